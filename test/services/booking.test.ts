import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

// Monday noon UTC; the seed's bookings sit on the following days.
const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

const booker = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `Booker ${i}`,
  email: `booker${i}@example.org`,
  timezone: 'Europe/Berlin',
  ...extra,
});

const book = (slug: string, start: string, body: Record<string, unknown>) =>
  call(`/api/public/pages/${slug}/bookings`, { body: { start, ...body }, now });

/** The assigned host of a booking, read from D1 (the public answer does not name hosts). */
const hostOf = async (bookingId: string) => (await env.DB.prepare('SELECT host_id h FROM bookings WHERE id = ?').bind(bookingId).first<{ h: number }>())!.h;
const hostsOf = async (bookingId: string) =>
  (await env.DB.prepare('SELECT user_id u FROM booking_hosts WHERE booking_id = ? ORDER BY user_id').bind(bookingId).all<{ u: number }>()).results.map((r) => r.u);

async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql).bind(...params).first<{ n: number }>();
  return row!.n;
}

describe('POST /api/public/pages/:slug/bookings', () => {
  it('books a free slot, links a new lead, queues both emails in the same write', async () => {
    const res = await book('ravi-intro', '2026-11-24T14:00:00Z', { ...booker(1), answers: { company: 'Acme' } });
    expect(res.status).toBe(201);
    const { booking, manageUrl } = await json(res);
    expect(booking).toMatchObject({ status: 'confirmed', strategy: 'individual', icsSequence: 0, durationMinutes: 30, timezone: 'America/New_York' });
    expect(await hostsOf(booking.id)).toEqual([3]);
    expect(booking.start).toBe('2026-11-24T14:00:00.000Z');
    expect(manageUrl).toMatch(/^http:\/\/localhost:8787\/b\/ravi-intro\/manage\/[A-Za-z0-9_-]{43}$/);
    const person = await env.DB.prepare('SELECT lifecycle_stage FROM persons WHERE email = ?').bind('booker1@example.org').first();
    expect(person).toEqual({ lifecycle_stage: 'lead' });
    const kinds = await env.DB.prepare('SELECT kind FROM email_outbox WHERE booking_id = ? ORDER BY kind').bind(booking.id).all();
    expect(kinds.results.map((r) => r.kind)).toEqual(['booking_confirmation', 'booking_host_notification']);
    // Only the hash of the manage token is stored.
    const token = manageUrl.split('/').pop();
    const stored = await env.DB.prepare('SELECT hash h FROM manage_tokens WHERE series_id = ?').bind(booking.seriesId).first<{ h: string }>();
    expect(stored!.h).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.h).not.toContain(token);
  });

  it('the booked slot disappears from the slot list', async () => {
    const res = await call('/api/public/pages/ravi-intro/slots?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z', { now });
    const starts = (await json(res)).slots.map((s: { start: string }) => s.start);
    expect(starts).not.toContain('2026-11-24T14:00:00.000Z');
    expect(starts).toContain('2026-11-24T14:30:00.000Z');
    expect(starts).not.toContain('2026-11-24T15:00:00.000Z'); // seed-b01
  });

  it('50 simultaneous bookings of one slot: exactly one 201, the rest 409 already_booked', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => book('ravi-intro', '2026-11-24T16:00:00Z', { ...booker(100 + i), answers: { company: 'Race' } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBe(1);
    expect(statuses.filter((s) => s === 409).length).toBe(49);
    for (const r of results.filter((r) => r.status === 409)) expect((await json(r)).error.code).toBe('already_booked');
    expect(await count("SELECT COUNT(*) n FROM bookings WHERE host_id = 3 AND start_at = ? AND status = 'confirmed'", Date.parse('2026-11-24T16:00:00Z'))).toBe(1);
  });

  it('an individual page and a collective page sharing a host cannot both take overlapping time', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? book('ravi-intro', '2026-11-25T15:30:00Z', { ...booker(200 + i), answers: { company: 'X' } })
          : book('deal-review', '2026-11-25T15:00:00Z', booker(200 + i)),
      ),
    );
    expect(results.filter((r) => r.status === 201).length).toBe(1);
    const overlaps = await count(`SELECT COUNT(*) n FROM host_claims a JOIN host_claims b
      ON a.host_id = b.host_id AND a.booking_id < b.booking_id AND a.start_at < b.end_at AND b.start_at < a.end_at`);
    expect(overlaps).toBe(0);
  });

  it('a collective booking claims every host atomically, the lowest id as primary', async () => {
    const res = await book('deal-review', '2026-11-30T14:00:00Z', booker(300));
    expect(res.status).toBe(201);
    const { booking } = await json(res);
    expect(await hostOf(booking.id)).toBe(2);
    expect(await hostsOf(booking.id)).toEqual([2, 3]);
    expect(await count('SELECT COUNT(*) n FROM host_claims WHERE booking_id = ?', booking.id)).toBe(2);
    // Each host's other pages now see the time as taken.
    const slots = await json(await call('/api/public/pages/ravi-intro/slots?from=2026-11-30T14:00:00Z&to=2026-11-30T15:00:00Z', { now }));
    expect(slots.slots).toEqual([]);
  });

  it('a group slot of capacity 10 with 30 contenders seats exactly 10', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => book('west-webinar', '2026-12-01T15:00:00Z', booker(400 + i))));
    expect(results.filter((r) => r.status === 201).length).toBe(10);
    expect(results.filter((r) => r.status === 409).length).toBe(20);
    const occurrence = await env.DB.prepare("SELECT id, attendee_count, capacity FROM bookings WHERE page_id = 5 AND start_at = ? AND status = 'confirmed'")
      .bind(Date.parse('2026-12-01T15:00:00Z'))
      .all();
    expect(occurrence.results).toHaveLength(1);
    expect(occurrence.results[0]).toMatchObject({ attendee_count: 10, capacity: 10 });
    expect(await count("SELECT COUNT(*) n FROM booking_attendees WHERE booking_id = ? AND status = 'confirmed'", occurrence.results[0].id)).toBe(10);
    const slots = await json(await call('/api/public/pages/west-webinar/slots?from=2026-12-01T15:00:00Z&to=2026-12-01T16:00:00Z', { now }));
    expect(slots.slots).toEqual([]);
  });

  it('group slots report seats left', async () => {
    expect((await book('west-webinar', '2026-12-02T15:00:00Z', booker(500))).status).toBe(201);
    const slots = await json(await call('/api/public/pages/west-webinar/slots?from=2026-12-02T15:00:00Z&to=2026-12-02T17:00:00Z', { now }));
    expect(slots.slots[0]).toEqual({ start: '2026-12-02T15:00:00.000Z', end: '2026-12-02T16:00:00.000Z', seatsLeft: 9 });
    expect(slots.slots[1].seatsLeft).toBe(10);
  });
});

describe('round robin', () => {
  let slug = '';
  beforeAll(async () => {
    const admin = await login('admin@example.com');
    const res = await call('/api/scheduling-pages', {
      token: admin,
      now,
      body: {
        slug: 'rr-three',
        title: 'Three-way rotation',
        durationMinutes: 30,
        timezone: 'America/New_York',
        locationType: 'phone',
        locationValue: '+1 555 0199',
        strategy: 'round_robin',
        hosts: [
          { userId: 3, weight: 1 },
          { userId: 4, weight: 3 },
          { userId: 2, weight: 3 },
        ],
      },
    });
    expect(res.status).toBe(201);
    slug = (await json(res)).page.slug;
  });

  it('30 bookings follow the rotation: least recent first, ties by weight DESC then id ASC', async () => {
    const starts = Array.from({ length: 30 }, (_, i) => {
      const day = i < 16 ? '2026-12-07' : '2026-12-08';
      const k = i % 16;
      return new Date(Date.parse(`${day}T14:00:00Z`) + k * 30 * 60_000).toISOString();
    });
    const hosts: number[] = [];
    for (const [i, start] of starts.entries()) {
      const res = await book(slug, start, booker(600 + i));
      expect(res.status, start).toBe(201);
      hosts.push(await hostOf((await json(res)).booking.id));
    }
    expect(hosts).toEqual(Array.from({ length: 10 }, () => [2, 4, 3]).flat());
    // Thirty bookings one after another: a shared two-core machine can take longer than 5 s.
  }, 60_000);

  it('skips a host who is busy and keeps the rotation for the rest', async () => {
    // rep2 (4) is busy 2026-12-09 14:00 via an individual booking on their demo page (45m).
    expect((await book('rosa-demo', '2026-12-09T14:00:00Z', booker(700))).status).toBe(201);
    const res = await book(slug, '2026-12-09T14:00:00Z', booker(701));
    expect(res.status).toBe(201);
    // Next in rotation would be 2 (least recent after the 30 above), who is free.
    expect(await hostOf((await json(res)).booking.id)).toBe(2);
    const next = await book(slug, '2026-12-09T14:00:00Z', booker(702));
    expect(await hostOf((await json(next)).booking.id)).toBe(3);
    const full = await book(slug, '2026-12-09T14:00:00Z', booker(703));
    expect(full.status).toBe(409);
  });

  it('concurrent bookings at distinct times spread evenly over the hosts', async () => {
    const starts = Array.from({ length: 15 }, (_, i) => new Date(Date.parse('2026-12-10T14:00:00Z') + i * 30 * 60_000).toISOString());
    const results = await Promise.all(starts.map((s, i) => book(slug, s, booker(800 + i))));
    const hosts = await Promise.all(results.map(async (r) => hostOf((await json(r)).booking.id)));
    const counts = hosts.reduce<Record<number, number>>((acc, h) => ({ ...acc, [h]: (acc[h] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 2: 5, 3: 5, 4: 5 });
  });
});

describe('bad input changes nothing', () => {
  const cases: [string, string, Record<string, unknown>, number][] = [
    ['unknown slug', 'no-such-page', { start: '2026-11-24T14:30:00Z', ...booker(900) }, 404],
    ['start not on a slot', 'rosa-demo', { start: '2026-11-24T14:07:00Z', ...booker(901) }, 400],
    ['start outside working hours', 'rosa-demo', { start: '2026-11-24T03:00:00Z', ...booker(902) }, 400],
    ['start in the past', 'rosa-demo', { start: '2026-11-20T15:00:00Z', ...booker(903) }, 400],
    ['malformed email', 'rosa-demo', { start: '2026-11-24T14:00:00Z', ...booker(904), email: 'not-an-email' }, 400],
    ['missing required answer', 'ravi-intro', { start: '2026-11-24T17:00:00Z', ...booker(905) }, 400],
    ['unknown answer', 'ravi-intro', { start: '2026-11-24T17:00:00Z', ...booker(906), answers: { company: 'A', other: 'x' } }, 400],
    ['select answer not an option', 'rosa-demo', { start: '2026-11-24T14:00:00Z', ...booker(907), answers: { size: '9000' } }, 400],
    ['oversize name', 'rosa-demo', { start: '2026-11-24T14:00:00Z', ...booker(908), name: 'x'.repeat(201) }, 400],
    ['oversize notes', 'rosa-demo', { start: '2026-11-24T14:00:00Z', ...booker(909), notes: 'x'.repeat(5001) }, 400],
    ['unknown timezone', 'rosa-demo', { start: '2026-11-24T14:00:00Z', ...booker(910), timezone: 'Mars/Base' }, 400],
    ['extra field', 'rosa-demo', { start: '2026-11-24T14:00:00Z', ...booker(911), admin: true }, 400],
    ['start not a date', 'rosa-demo', { start: 'tomorrow', ...booker(912) }, 400],
  ];
  for (const [label, slug, body, status] of cases) {
    it(label, async () => {
      const before = await count('SELECT (SELECT COUNT(*) FROM bookings) + (SELECT COUNT(*) FROM email_outbox) + (SELECT COUNT(*) FROM persons) n');
      const res = await call(`/api/public/pages/${slug}/bookings`, { body, now });
      expect(res.status).toBe(status);
      const err = (await json(res)).error;
      expect(err.code).toBe(status === 404 ? 'not_found' : 'validation_failed');
      expect(await count('SELECT (SELECT COUNT(*) FROM bookings) + (SELECT COUNT(*) FROM email_outbox) + (SELECT COUNT(*) FROM persons) n')).toBe(before);
    });
  }

  it('slot queries validate their window', async () => {
    for (const q of ['from=x&to=y', 'from=2026-11-24T00:00:00Z', 'from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z', 'from=2026-11-01T00:00:00Z&to=2027-06-01T00:00:00Z']) {
      const res = await call(`/api/public/pages/ravi-intro/slots?${q}`, { now });
      expect(res.status, q).toBe(400);
    }
  });
});

describe('D1 guards (the backstop under the Durable Object)', () => {
  it('the overlap trigger refuses a claim overlapping another of the same host', async () => {
    const [claim] = (await env.DB.prepare('SELECT * FROM host_claims WHERE host_id = 3 LIMIT 1').all()).results as { booking_id: string; start_at: number; end_at: number }[];
    await expect(
      env.DB.prepare('INSERT INTO host_claims (booking_id, host_id, start_at, end_at) VALUES (?, 3, ?, ?)').bind('seed-b09', claim.start_at + 60_000, claim.end_at + 3_600_000).run(),
    ).rejects.toThrow(/already_booked/);
  });

  it('a group occurrence cannot pass its capacity', async () => {
    await expect(env.DB.prepare("UPDATE bookings SET attendee_count = capacity + 1 WHERE id = 'seed-b04'").run()).rejects.toThrow(/CHECK/);
  });

  it('a cancelled booking cannot change status again', async () => {
    await expect(env.DB.prepare("UPDATE bookings SET status = 'confirmed' WHERE id = 'seed-b09'").run()).rejects.toThrow(/invalid_state/);
  });
});
