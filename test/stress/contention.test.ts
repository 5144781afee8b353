/**
 * Contention against `wrangler dev`: bursts of contenders for a host's slots with the host's
 * Durable Object reset in the middle (as a deploy or eviction would). Afterwards each slot has
 * exactly one winner, and the object's view of its host's held meetings — rebuilt from D1 after
 * the reset — is D1's (GET /dev/host-schedule/:hostId compares them).
 */
import { describe, expect, inject, it } from 'vitest';

const base = inject('baseUrl');
const DAY = 86_400_000;
let ip = 0;
const clientIp = () => `10.250.${(ip >> 8) & 255}.${ip++ & 255}`;

async function book(slug: string, start: string, i: number) {
  const r = await fetch(`${base}/api/public/pages/${slug}/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-client-ip': clientIp() },
    body: JSON.stringify({ start, name: `Contender ${i}`, email: `contender${i}-${ip}@example.org` }),
  });
  return { status: r.status, body: (await r.json().catch(() => null)) as any };
}

/** A weekday 10+ days ahead, at New York working hours (the seeded hosts' zone). */
function weekday(offset: number) {
  const today = new Date();
  let t = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + offset * DAY;
  while ([0, 6].includes(new Date(t).getUTCDay())) t += DAY;
  return t;
}

async function freeStarts(slug: string, day: number) {
  const r = await fetch(`${base}/api/public/pages/${slug}/slots?from=${new Date(day).toISOString()}&to=${new Date(day + DAY).toISOString()}`, {
    headers: { 'x-test-client-ip': clientIp() },
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { slots: { start: string }[] }).slots.map((s) => s.start);
}

const resetHost = (hostId: number) => fetch(`${base}/dev/host-schedule/${hostId}/reset`, { method: 'POST', headers: { 'x-test-client-ip': clientIp() } });
const view = async (hostId: number, day: number) =>
  (await (await fetch(`${base}/dev/host-schedule/${hostId}?from=${day}&to=${day + DAY}`, { headers: { 'x-test-client-ip': clientIp() } })).json()) as {
    covered: boolean;
    object: unknown[];
    d1: unknown[];
  };

describe('contenders with the host’s object reset mid-burst', () => {
  for (const [slug, hostIds, offset] of [
    // Past the days the stress suite's rounds use (8 to ~22 days ahead), within every horizon.
    ['rosa-demo', [4], 30],
    ['deal-review', [2, 3], 31],
    ['west-sales', [3, 4], 32],
  ] as const) {
    it(`${slug}: one winner per slot (per host on round robin), and each host object's view is D1's`, async () => {
      const day = weekday(offset);
      // Four starts two hours apart: no two contend with each other.
      const starts: string[] = [];
      for (const s of await freeStarts(slug, day)) if (!starts.length || Date.parse(s) - Date.parse(starts[starts.length - 1]) >= 2 * 3_600_000) starts.push(s);
      starts.splice(4);
      expect(starts.length).toBe(4);
      const burst = Array.from({ length: 120 }, (_, i) => book(slug, starts[i % starts.length], i));
      await new Promise((r) => setTimeout(r, 40));
      await Promise.all(hostIds.map(resetHost));
      const results = await Promise.all(burst);
      // Answered, as a booking, a refusal or a retryable 503: never a 500.
      for (const r of results) expect([201, 409, 503]).toContain(r.status);
      const wins = new Map<string, string[]>();
      const won = (r: { status: number; body: any }) => r.status === 201 && wins.set(r.body.booking.start, [...(wins.get(r.body.booking.start) ?? []), r.body.booking.id]);
      results.forEach(won);
      // Retries until every slot is answered with a refusal: it has its winners.
      for (const [k, start] of starts.entries()) {
        for (let attempt = 0; attempt < 8; attempt++) {
          const r = await book(slug, start, 1000 + k * 10 + attempt);
          won(r);
          if (r.status === 409) break;
          expect([201, 503]).toContain(r.status);
        }
      }
      const answered = [...wins.values()].flat();
      // bookingId → hosts holding it at the burst's starts, from D1 (as each object sees it too).
      const held = new Map<string, { start: string; hosts: number[] }>();
      for (const h of hostIds) {
        const v = await view(h, day);
        // The object rebuilt its view from D1 after the reset, and it is D1's.
        expect(v.covered).toBe(true);
        expect(v.object).toEqual(v.d1);
        for (const m of v.d1 as { bookingId: string; start: number }[]) {
          const start = new Date(m.start).toISOString();
          if (starts.includes(start)) held.set(m.bookingId, { start, hosts: [...(held.get(m.bookingId)?.hosts ?? []), h] });
        }
      }
      // Every 201 is a booking D1 holds (a 503 may hide one that committed as the object reset).
      for (const id of answered) expect(held.has(id), id).toBe(true);
      // One winner per slot, holding every host on a collective page; round robin: one per host.
      for (const start of starts) {
        const winners = [...held.values()].filter((w) => w.start === start);
        if (slug === 'west-sales') {
          expect(winners.length === 1 || winners.length === 2, `${start}: ${winners.length}`).toBe(true);
          expect(new Set(winners.flatMap((w) => w.hosts)).size).toBe(winners.length);
        } else {
          expect(winners.length, start).toBe(1);
          expect(winners[0].hosts).toEqual([...hostIds]);
        }
      }
      const report = await (await fetch(`${base}/dev/integrity`, { headers: { 'x-test-client-ip': clientIp() } })).json();
      for (const [k, n] of Object.entries(report as Record<string, number>)) expect(n, k).toBe(0);
    }, 120_000);
  }
});
