/**
 * Stress against `wrangler dev`: for each strategy, 10 rounds of 200 concurrent contenders
 * mixing new bookings, host reschedules and booker changes onto overlapping times; then the
 * invariants as SQL counts (GET /dev/integrity) must all be zero.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';

const base = inject('baseUrl');
const ROUNDS = 10;
const CONTENDERS = 200;
const DAY = 86_400_000;

type Held = { id: string; token: string };

let adminToken = '';
beforeAll(async () => {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'demo-password' }),
  });
  adminToken = ((await res.json()) as { token: string }).token;
});

/** Weekdays from 8 days ahead, one per round, so each round contends on its own day. */
function roundDays(): number[] {
  const days: number[] = [];
  const today = new Date();
  let t = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + 8 * DAY;
  while (days.length < ROUNDS) {
    const wd = new Date(t).getUTCDay();
    if (wd >= 1 && wd <= 5) days.push(t);
    t += DAY;
  }
  return days;
}

// Each strategy contends in its own window of the hosts' New York day, so one strategy's load
// never starves another's hosts (collective and group have no host in common).
const STRATEGIES = [
  { strategy: 'individual', slug: 'ravi-intro', stepMinutes: 30, from: 9, to: 12, answers: { company: 'Stress' } },
  { strategy: 'round_robin', slug: 'west-sales', stepMinutes: 30, from: 12, to: 14, answers: {} },
  { strategy: 'collective', slug: 'deal-review', stepMinutes: 60, from: 14, to: 17, answers: {} },
  { strategy: 'group', slug: 'west-webinar', stepMinutes: 60, from: 14, to: 17, answers: {} },
];

/** The UTC instant of a whole New York hour on the UTC date `day`, read through Intl. */
function newYorkHour(day: number, hour: number): number {
  const guess = day + (hour + 5) * 3_600_000;
  const shown = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(guess));
  return guess - (shown - hour) * 3_600_000;
}

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

describe('stress: concurrent contenders per strategy', () => {
  const days = roundDays();
  for (const s of STRATEGIES) {
    it(`${s.strategy}: ${ROUNDS} rounds × ${CONTENDERS} contenders keep every invariant`, async () => {
      const statuses: Record<number, number> = {};
      for (const [round, day] of days.entries()) {
        const starts = Array.from({ length: ((s.to - s.from) * 60) / s.stepMinutes }, (_, i) => new Date(newYorkHour(day, s.from) + i * s.stepMinutes * 60_000).toISOString());
        const held: Held[] = [];
        // A few bookings first, so reschedules have something to move.
        for (const [k, start] of starts.slice(0, 2).entries()) {
          const r = await post(`/api/public/pages/${s.slug}/bookings`, { start, name: 'Seed', email: `seed-${round}-${k}@stress.test`, answers: s.answers });
          expect(r.status).toBe(201);
          held.push({ id: r.body.booking.id, token: r.body.manageUrl.split('/').pop() });
        }
        const results = await Promise.all(
          Array.from({ length: CONTENDERS }, async (_, i) => {
            const kind = i % 8;
            const h = held.length ? pick(held) : undefined;
            if (kind <= 1 || !h) {
              const r = await post(`/api/public/pages/${s.slug}/bookings`, { start: pick(starts), name: `C${i}`, email: `c${round}x${i}@stress.test`, answers: s.answers });
              if (r.status === 201) held.push({ id: r.body.booking.id, token: r.body.manageUrl.split('/').pop() });
              return r.status;
            }
            if (kind <= 4) {
              const r = await post(`/api/bookings/${h.id}/reschedule`, { start: pick(starts), message: 'stress' }, adminToken);
              if (r.status === 200) h.id = r.body.booking.id;
              return r.status;
            }
            // Bookers move through their manage link (a group booker moves only their seat);
            // some group bookers leave instead.
            const r =
              s.strategy === 'group' && kind === 7
                ? await post(`/api/public/manage/${h.token}/cancel`, { reason: 'stress' })
                : await post(`/api/public/manage/${h.token}/reschedule`, { start: pick(starts) });
            if (r.status === 200) h.id = r.body.booking.id;
            return r.status;
          }),
        );
        for (const status of results) statuses[status] = (statuses[status] ?? 0) + 1;
      }
      // Every contender got an answer, and only the expected ones.
      expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(ROUNDS * CONTENDERS);
      expect(Object.keys(statuses).map(Number).every((code) => [200, 201, 409].includes(code)), JSON.stringify(statuses)).toBe(true);
      // New bookings, host reschedules and booker changes all went through at times.
      expect(statuses[201] ?? 0).toBeGreaterThan(0);
      expect(statuses[200] ?? 0).toBeGreaterThan(0);
      const report = await (await fetch(`${base}/dev/integrity`)).json();
      expect(report).toEqual({
        overlappingBookings: 0,
        groupsOverCapacity: 0,
        confirmedWithoutClaims: 0,
        claimsOfUnconfirmed: 0,
        bookingsWithoutEmail: 0,
        cancelledWithoutEmail: 0,
        seatsWithoutEmail: 0,
      });
      console.log(`${s.strategy}: ${JSON.stringify(statuses)}`);
    });
  }
});
