import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { getDb } from '../../src/db/client';
import { tabCountQuery } from '../../src/db/booking-list';
import { integrityReport } from '../../src/db/integrity';
import { TABS } from '../../src/domain/tabs';

const NOW = '2026-11-23T12:00:00Z';
beforeAll(() => seed(new Date(NOW)));

const admin = { id: 1, name: 'A', email: 'a@x', timezone: 'UTC', locale: 'en', teamId: null, role: 'admin', permissions: { view: 'all', edit: 'all', delete: 'all' } } as const;
const get = async (path: string, now = NOW) => json(await call(path, { token: await login('admin@example.com'), now }));
async function tabLength(tab: string, now: string) {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page: { bookings: unknown[]; nextCursor: string | null } = await get(`/api/bookings?tab=${tab}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, now);
    n += page.bookings.length;
    cursor = page.nextCursor;
  } while (cursor);
  return n;
}

describe('organization-wide tab counts from booking_day_counts', () => {
  it('match the tabs at any moment of the day, through bookings, reschedules and cancels', async () => {
    // 300 bookings over three days around NOW, every 15 minutes (today's part counted on the index).
    const t0 = Date.parse('2026-11-22T00:00:00Z');
    const cte = `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 299)`;
    await env.DB.batch([
      env.DB.prepare(`${cte} INSERT INTO booking_series (id, page_id, ics_uid, created_at) SELECT 'dc-' || i, 2, 'dc-' || i || '@x', ${t0} FROM k`),
      env.DB.prepare(
        `${cte} INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, created_at, updated_at)
         SELECT 'dc-' || i, 'dc-' || i, 2, 4, CASE WHEN i % 7 = 0 THEN 'cancelled' ELSE 'confirmed' END, ${t0} + i * 900000, ${t0} + i * 900000 + 600000,
           'UTC', 'Day Count ' || i, 'dc' || i || '@example.org', 'zoom', 'dc-' || i || '@x', ${t0}, ${t0} FROM k`,
      ),
      env.DB.prepare(`${cte} INSERT INTO booking_hosts (booking_id, user_id) SELECT 'dc-' || i, 4 FROM k`),
      // Moves across a day boundary and status changes keep the counts right.
      env.DB.prepare(`UPDATE bookings SET start_at = start_at + 86400000, end_at = end_at + 86400000 WHERE id IN ('dc-1', 'dc-2', 'dc-3')`),
      env.DB.prepare(`UPDATE bookings SET status = 'rescheduled' WHERE id IN ('dc-4', 'dc-5')`),
      env.DB.prepare(`UPDATE bookings SET status = 'cancelled' WHERE id = 'dc-150'`),
    ]);
    for (const now of ['2026-11-23T00:00:00Z', NOW, '2026-11-23T23:59:59Z', '2026-11-24T06:30:00Z']) {
      const { counts } = await get('/api/bookings/counts', now);
      for (const tab of TABS) expect(counts[tab], `${tab} at ${now}`).toBe(await tabLength(tab, now));
    }
    expect((await integrityReport(env.DB)).dayCountsOff).toBe(0);
  });

  it('read the day buckets and only today on the index: no walk of a whole tab', async () => {
    const db = getDb(env.DB);
    for (const tab of TABS) {
      const { sql, params } = tabCountQuery(db, admin, { tab, now: Date.parse(NOW) }).toSQL();
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
      const text = plan.results.map((r) => r.detail).join('\n');
      expect(text, tab).toMatch(/booking_day_counts/);
      expect(text, tab).not.toMatch(/SCAN bookings\b/);
      if (tab === 'upcoming' || tab === 'past') expect(text, tab).toMatch(/bookings USING COVERING INDEX bookings_status_start_idx \(status=\? AND start_at[<>]\? AND start_at[<>]\?\)/);
    }
  });
});
