import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, seed } from '../helpers';

// Every sequential D1 round trip costs the distance to the database at the edge: these are the
// budgets per endpoint, counted by the metered binding (X-D1-Round-Trips, route and the hosts'
// Durable Objects together).
const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

/** The answer's count: the header is there on every answer outside production. */
function trips(r: Response) {
  const n = r.headers.get('x-d1-round-trips');
  expect(n, 'X-D1-Round-Trips').toMatch(/^\d+$/);
  return Number(n);
}

let seq = 0;
const book = (slug: string, start: string) => {
  const i = seq++;
  return call(`/api/public/pages/${slug}/bookings`, { body: { start, name: `Trip ${i}`, email: `trip${i}@example.org` }, now: NOW });
};

/** The page's free starts on a day (the day after the seed's busiest ones). */
async function freeStarts(slug: string, day = '2026-12-07') {
  const r = await call(`/api/public/pages/${slug}/slots?from=${day}T00:00:00Z&to=${day}T23:59:00Z`, { now: NOW });
  expect(r.status).toBe(200);
  return { trips: trips(r), starts: (await json(r)).slots.map((s: { start: string }) => s.start) as string[] };
}

describe('D1 round trips per endpoint', () => {
  it('slots GET: at most 2 (the page, then everything the engine needs in one batch); 1 once this isolate knows the page', async () => {
    const { trips: n, starts } = await freeStarts('deal-review');
    expect(starts.length).toBeGreaterThan(0);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(2);
    // The page is read again beside the engine's reads, in the same round trip.
    const again = await freeStarts('deal-review');
    expect(again.trips).toBe(1);
    expect(again.starts).toEqual(starts);
  });

  it('slots GET from a known page that changed since: the answer follows the page as it is', async () => {
    const before = await freeStarts('ravi-intro');
    expect(before.starts.length).toBeGreaterThan(1);
    await env.DB.prepare("UPDATE scheduling_pages SET active = 0 WHERE slug = 'ravi-intro'").run();
    const gone = await call('/api/public/pages/ravi-intro/slots?from=2026-12-07T00:00:00Z&to=2026-12-07T23:59:00Z', { now: NOW });
    expect(gone.status).toBe(404);
    await env.DB.prepare("UPDATE scheduling_pages SET active = 1, slot_interval_minutes = slot_interval_minutes * 2 WHERE slug = 'ravi-intro'").run();
    const sparser = await freeStarts('ravi-intro');
    expect(sparser.starts.length).toBeLessThan(before.starts.length);
    expect(sparser.starts.every((s) => before.starts.includes(s))).toBe(true);
  });

  for (const slug of ['rosa-demo', 'west-sales', 'deal-review', 'west-webinar']) {
    it(`booking POST on ${slug}: at most 3; 2 from a page this isolate knows (the host object's reads, blocklist included, in one batch; the write and its answer in one batch)`, async () => {
      const { starts } = await freeStarts(slug);
      const r = await book(slug, starts[0]);
      expect(r.status).toBe(201);
      expect(trips(r)).toBeLessThanOrEqual(2);
      // Where the time went, outside production: the host object's reads and commit among the spans.
      expect(r.headers.get('server-timing')).toMatch(/(^|, )reads;dur=[\d.]+.*(, )commit;dur=[\d.]+/);
      expect((await json(r)).booking).toMatchObject({ start: starts[0], status: 'confirmed' });
    });
  }

  it('a seat joining a group occurrence: at most 2 from a known page, and the answer is the booker’s own seat', async () => {
    const { starts } = await freeStarts('west-webinar', '2026-12-08');
    expect((await book('west-webinar', starts[0])).status).toBe(201);
    const r = await book('west-webinar', starts[0]);
    expect(r.status).toBe(201);
    expect(trips(r)).toBeLessThanOrEqual(2);
    expect((await json(r)).booking).toMatchObject({ attendeeCount: 2, bookerEmail: `trip${seq - 1}@example.org` });
  });

  it('a contender for taken time is refused by the host’s object without any D1 round trip', async () => {
    const { starts } = await freeStarts('rosa-demo', '2026-12-09');
    expect((await book('rosa-demo', starts[0])).status).toBe(201);
    for (const slug of ['rosa-demo', 'deal-review']) {
      // rosa-demo is host 4's; deal-review (collective, hosts 2 and 3) is refused by host 3's object after a booking there.
      if (slug === 'deal-review') {
        const free = (await freeStarts(slug, '2026-12-09')).starts[0];
        expect((await book(slug, free)).status).toBe(201);
        const r = await book(slug, free);
        expect(r.status).toBe(409);
        expect(trips(r)).toBe(0);
        continue;
      }
      const r = await book(slug, starts[0]);
      expect(r.status).toBe(409);
      expect((await json(r)).error.code).toBe('already_booked');
      expect(trips(r)).toBe(0);
    }
    // Round robin: refused at once only when every host's time is taken.
    const rr = (await freeStarts('west-sales', '2026-12-10')).starts[0];
    expect((await book('west-sales', rr)).status).toBe(201);
    const second = await book('west-sales', rr);
    expect(second.status).toBe(201); // the other host was free
    const third = await book('west-sales', rr);
    expect(third.status).toBe(409);
    expect(trips(third)).toBe(0);
  });

  it('manage GET: at most 2; reschedule and cancel within their budgets; the booker then sees their change', async () => {
    const { starts } = await freeStarts('rosa-demo', '2026-12-11');
    const booked = await book('rosa-demo', starts[0]);
    const token = (await json(booked)).manageUrl.split('/').pop();
    const bookmark = booked.headers.get('x-d1-bookmark');
    const get = await call(`/api/public/manage/${token}`, { now: NOW, headers: bookmark ? { 'x-d1-bookmark': bookmark } : {} });
    expect(get.status).toBe(200);
    expect(trips(get)).toBeLessThanOrEqual(2);
    const moved = await call(`/api/public/manage/${token}/reschedule`, { body: { start: starts[2] }, now: NOW });
    expect(moved.status).toBe(200);
    console.log('manage round trips: GET', trips(get), 'reschedule', trips(moved));
    expect(trips(moved)).toBeLessThanOrEqual(7);
    expect((await json(moved)).booking.start).toBe(starts[2]);
    const cancelled = await call(`/api/public/manage/${token}/cancel`, { body: {}, now: NOW });
    expect(cancelled.status).toBe(200);
    console.log('cancel', trips(cancelled));
    expect(trips(cancelled)).toBeLessThanOrEqual(6);
    expect((await json(cancelled)).booking.status).toBe('cancelled');
    // The freed time is bookable again at once: the host's object let go of it.
    expect((await book('rosa-demo', starts[2])).status).toBe(201);
  });

  it('a bad bookmark is ignored, never a 500', async () => {
    const r = await call('/api/public/pages/rosa-demo', { headers: { 'x-d1-bookmark': 'not a bookmark' }, now: NOW });
    expect(r.status).toBe(200);
    const r2 = await call('/api/public/pages/rosa-demo', { headers: { 'x-d1-bookmark': '0000-ffff' }, now: NOW });
    expect([200]).toContain(r2.status);
  });

  it('a page changed since this isolate read it: the host’s object notices in its read batch and the booking uses the page as it is', async () => {
    const { starts } = await freeStarts('jonas-beratung');
    await env.DB.prepare("UPDATE scheduling_pages SET duration_minutes = 60 WHERE slug = 'jonas-beratung'").run();
    const r = await book('jonas-beratung', starts[0]);
    expect(r.status).toBe(201);
    expect((await json(r)).booking.durationMinutes).toBe(60);
  });
});
