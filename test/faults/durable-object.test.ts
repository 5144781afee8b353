import { beforeAll, describe, expect, it } from 'vitest';
import { abortAllDurableObjects } from 'cloudflare:test';
import { call, env, seed } from '../helpers';
import { integrityReport } from '../../src/db/integrity';

const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

const book = (start: string, i: number) =>
  call('/api/public/pages/rosa-demo/bookings', {
    body: { start, name: `Fault ${i}`, email: `fault${i}@example.org` },
    now: NOW,
    headers: { 'x-test-client-ip': `192.0.2.${i + 1}` },
  });

type Answer = { status: number; retryAfter: string | null; body: any };

/** 503 with Retry-After and the error envelope: a client knows to try again shortly. */
function expectUnavailable(r: Answer) {
  expect(r.status).toBe(503);
  expect(Number(r.retryAfter)).toBeGreaterThan(0);
  expect(r.body.error).toMatchObject({ code: 'unavailable', message: expect.any(String) });
}

describe('a Durable Object reset mid-reservation', () => {
  it('loses nothing that was confirmed, writes nothing half-way, and the host books again afterwards', async () => {
    // 24 contenders over three overlapping 45-minute slots of one host, with the object reset in between.
    const starts = ['2026-12-03T14:00:00Z', '2026-12-03T14:45:00Z', '2026-12-03T15:30:00Z'];
    const pending = Array.from({ length: 24 }, (_, i) =>
      book(starts[i % 3], i).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json().catch(() => null) })),
    );
    await new Promise((r) => setTimeout(r, 5));
    await abortAllDurableObjects();
    const results = await Promise.all(pending);
    // Every contender is answered; an aborted one may fail, but never with a half-written booking,
    // and never with a 500: the reset is the service's hiccup, answered as one.
    for (const r of results) expect([201, 409, 503]).toContain(r.status);
    for (const r of results.filter((x) => x.status === 503)) expectUnavailable(r);
    const confirmed = results.filter((r) => r.status === 201);
    expect(confirmed.length).toBeLessThanOrEqual(3);
    for (const r of confirmed) {
      const mails = await env.DB.prepare('SELECT COUNT(*) n FROM email_outbox WHERE booking_id = ?').bind((r.body as any).booking.id).first<{ n: number }>();
      expect(mails!.n).toBe(2);
    }
    const rows = await env.DB.prepare("SELECT COUNT(*) n FROM bookings WHERE host_id = 4 AND status = 'confirmed' AND start_at >= ? AND start_at < ?")
      .bind(Date.parse('2026-12-03T00:00:00Z'), Date.parse('2026-12-04T00:00:00Z'))
      .first<{ n: number }>();
    expect(rows!.n).toBe(confirmed.length);
    const report = await integrityReport(env.DB);
    expect(report.overlappingBookings).toBe(0);
    expect(report.bookingsWithoutEmail).toBe(0);
    // The host's object comes back and serializes again.
    const free = starts.find((s) => !confirmed.some((r) => (r.body as any).booking.start === new Date(s).toISOString()));
    if (free) expect((await book(free, 99)).status).toBe(201);
    expect((await book(starts[0], 100)).status).toBe(409);
  }, 30_000);

  it('bookings queued behind the host’s lock when it resets get 503 with Retry-After, and a retry books', async () => {
    // Ten distinct 45-minute slots of one host (Friday 09:00–16:30 in New York): none refuses
    // another, so each one queued behind the lock needs D1 (a contender for taken time would be
    // answered at once by the object, without waiting its turn).
    const starts = Array.from({ length: 10 }, (_, k) => new Date(Date.parse('2026-12-04T14:00:00Z') + k * 45 * 60_000).toISOString());
    const pending = starts.map((start, i) =>
      book(start, 200 + i).then(async (r): Promise<Answer> => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json().catch(() => null) })),
    );
    // One object serializes the host: once the first answer is out, the rest wait in its queue.
    await Promise.race(pending);
    await abortAllDurableObjects();
    const results = await Promise.all(pending);
    const unavailable = results.filter((r) => r.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const r of unavailable) expectUnavailable(r);
    for (const r of results) expect([201, 409, 503]).toContain(r.status);
    for (const start of starts) {
      const confirmed = await env.DB.prepare("SELECT COUNT(*) n FROM bookings WHERE host_id = 4 AND status = 'confirmed' AND start_at = ?").bind(Date.parse(start)).first<{ n: number }>();
      expect(confirmed!.n).toBeLessThanOrEqual(1);
      // Retrying is safe: the slot is either this booker's competitor's (409) or theirs now (201).
      expect([201, 409]).toContain((await book(start, 300 + starts.indexOf(start))).status);
    }
    expect((await integrityReport(env.DB)).bookingsWithoutEmail).toBe(0);
  }, 30_000);
});

