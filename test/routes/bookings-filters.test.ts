import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { getDb } from '../../src/db/client';
import { tabCountQuery, tabRowsQuery, type ListQuery } from '../../src/db/booking-list';
import { TABS, dayHeading } from '../../src/domain/tabs';
import { insertBooking } from './bookings-fixtures';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

// New York falls back on 2026-11-01 (that day has 25 hours); Kolkata is UTC+05:30 all year.
const DST_DAY = [
  { id: 'dst-before', start: '2026-11-01T03:59:00Z' }, // Oct 31, 23:59 EDT
  { id: 'dst-first', start: '2026-11-01T04:00:00Z' }, // Nov 1, 00:00 EDT
  { id: 'dst-last', start: '2026-11-02T04:59:00Z' }, // Nov 1, 23:59 EST
  { id: 'dst-after', start: '2026-11-02T05:00:00Z' }, // Nov 2, 00:00 EST
];
const KOLKATA_DAY = [
  { id: 'ist-before', start: '2026-10-31T18:29:00Z' }, // Oct 31, 23:59 IST
  { id: 'ist-first', start: '2026-10-31T18:30:00Z' }, // Nov 1, 00:00 IST
  { id: 'ist-last', start: '2026-11-01T18:29:00Z' }, // Nov 1, 23:59 IST
  { id: 'ist-after', start: '2026-11-01T18:30:00Z' }, // Nov 2, 00:00 IST
];

beforeAll(async () => {
  await seed(NOW);
  // Rosa's (host 4) past bookings on page 2, a minute long so none overlaps another.
  await env.DB.batch([...DST_DAY, ...KOLKATA_DAY].flatMap((b) => insertBooking({ ...b, page: 2, hosts: [4], minutes: 1 })));
});

const get = async (email: string, path: string) => call(path, { token: await login(email), now });
const ids = async (email: string, path: string) => {
  const res = await get(email, path);
  expect(res.status).toBe(200);
  return ((await json(res)).bookings as { id: string }[]).map((b) => b.id);
};
const setZone = (userId: number, zone: string) => env.DB.prepare('UPDATE users SET timezone = ? WHERE id = ?').bind(zone, userId).run();

describe('date filters are days in the viewer’s zone', () => {
  it('a New York viewer’s Nov 1 holds its 25 hours across the fall-back, no more', async () => {
    await setZone(4, 'America/New_York');
    const found = await ids('rep2@example.com', '/api/bookings?tab=past&from=2026-11-01&to=2026-11-01&limit=100');
    expect(found.filter((id) => id.startsWith('dst-')).sort()).toEqual(['dst-first', 'dst-last']);
    // Kolkata's midnight bookings fall on Oct 31 / Nov 1 in New York: 14:29 and 14:30 EDT on Oct 31 are out.
    expect(found.filter((id) => id.startsWith('ist-')).sort()).toEqual(['ist-after', 'ist-last']);
  });

  it('the same dates for a viewer in Kolkata are the half-hour-offset day', async () => {
    await setZone(4, 'Asia/Kolkata');
    try {
      const found = await ids('rep2@example.com', '/api/bookings?tab=past&from=2026-11-01&to=2026-11-01&limit=100');
      expect(found.filter((id) => id.startsWith('ist-')).sort()).toEqual(['ist-first', 'ist-last']);
      // Only from: everything from Nov 1 00:00 IST on.
      const since = await ids('rep2@example.com', '/api/bookings?tab=past&from=2026-11-01&limit=100');
      expect(since).not.toContain('ist-before');
      expect(since).toContain('ist-after');
      // Only to: everything before Nov 2 00:00 IST.
      const until = await ids('rep2@example.com', '/api/bookings?tab=past&to=2026-11-01&limit=100');
      expect(until).toContain('ist-before');
      expect(until).not.toContain('ist-after');
    } finally {
      await setZone(4, 'America/New_York');
    }
  });

  it('the HTML page reads the dates the same way and keeps them in the tab links and the export link', async () => {
    const html = await (await call('/app/bookings?tab=past&from=2026-11-01&to=2026-11-01', { headers: { cookie: `session=${await login('rep2@example.com')}` }, now })).text();
    const rows = [...html.matchAll(/class="booking" data-id="([^"]+)"/g)].map((m) => m[1]);
    expect(rows.filter((id) => id.startsWith('dst-')).sort()).toEqual(['dst-first', 'dst-last']);
    expect(html).toContain('href="/app/bookings?tab=upcoming&amp;from=2026-11-01&amp;to=2026-11-01"');
    expect(html).toContain('href="/api/bookings/export.csv?tab=past&amp;from=2026-11-01&amp;to=2026-11-01"');
    // A bad date on the page is ignored, not an error.
    expect((await call('/app/bookings?from=2026-02-30', { headers: { cookie: `session=${await login('rep2@example.com')}` }, now })).status).toBe(200);
  });
});

describe('filters combined', () => {
  type Row = { id: string; start: string; pageId: number; hostIds: number[]; attendance: string | null };
  const all = async (email: string, tab: string): Promise<Row[]> => (await json(await get(email, `/api/bookings?tab=${tab}&limit=100`))).bookings;

  it('every combination of host, page and dates returns exactly the matching rows of each tab, with matching counts', async () => {
    const from = '2026-11-20';
    const to = '2026-11-26';
    // New York days: Nov 20 00:00 EST to Nov 27 00:00 EST.
    const [lo, hi] = [Date.parse('2026-11-20T05:00:00Z'), Date.parse('2026-11-27T05:00:00Z')];
    for (const email of ['admin@example.com', 'manager@example.com', 'rep1@example.com']) {
      const everything = Object.fromEntries(await Promise.all(TABS.map(async (t) => [t, await all(email, t)] as const)));
      for (const hostId of [undefined, 3, 4]) {
        for (const pageId of [undefined, 1, 3, 4]) {
          for (const dated of [false, true]) {
            const params = new URLSearchParams();
            if (hostId) params.set('hostId', String(hostId));
            if (pageId) params.set('pageId', String(pageId));
            if (dated) params.set('from', from), params.set('to', to);
            const counts = (await json(await get(email, `/api/bookings/counts?${params}`))).counts;
            for (const tab of TABS) {
              const expected = everything[tab]
                .filter((b) => (!hostId || b.hostIds.includes(hostId)) && (!pageId || b.pageId === pageId))
                .filter((b) => !dated || (Date.parse(b.start) >= lo && Date.parse(b.start) < hi))
                .map((b) => b.id);
              expect(await ids(email, `/api/bookings?tab=${tab}&limit=100&${params}`), `${email} ${tab} ${params}`).toEqual(expected);
              expect(counts[tab], `${email} count ${tab} ${params}`).toBe(expected.length);
            }
          }
        }
      }
    }
  }, 120_000);

  it('attendance on the Past tab: attended, no-show, unmarked; counts follow; search combines', async () => {
    const token = await login('manager@example.com');
    expect((await call('/api/bookings/seed-b07/attendance', { token, now, body: { status: 'no_show' } })).status).toBe(200);
    const past = await all('manager@example.com', 'past');
    for (const [filter, mark] of [['attended', 'attended'], ['no_show', 'no_show'], ['unmarked', null]] as const) {
      const expected = past.filter((b) => b.attendance === mark).map((b) => b.id);
      expect(await ids('manager@example.com', `/api/bookings?tab=past&attendance=${filter}&limit=100`)).toEqual(expected);
      const counts = (await json(await get('manager@example.com', `/api/bookings/counts?attendance=${filter}`))).counts;
      expect(counts.past).toBe(expected.length);
      // The other tabs hold no marks: their counts ignore the filter.
      expect(counts.upcoming).toBe((await all('manager@example.com', 'upcoming')).length);
    }
    expect(await ids('manager@example.com', '/api/bookings?tab=past&attendance=attended')).toEqual(['seed-b06']);
    // Without a tab, the attendance filter means the Past tab (as the export reads it), not a 400.
    expect(await ids('manager@example.com', '/api/bookings?attendance=attended')).toEqual(['seed-b06']);
    expect(await ids('manager@example.com', '/api/bookings?tab=past&attendance=no_show&q=erin')).toEqual(['seed-b07']);
    expect(await ids('manager@example.com', '/api/bookings?tab=past&attendance=no_show&hostId=3')).toEqual([]);
  });

  it('counts honour scope: a rep counts only their own, a viewer their team', async () => {
    for (const email of ['rep1@example.com', 'rep3@example.com', 'viewer@example.com']) {
      const counts = (await json(await get(email, '/api/bookings/counts'))).counts;
      for (const tab of TABS) expect(counts[tab], `${email} ${tab}`).toBe((await all(email, tab)).length);
    }
    // The HTML tabs carry the same numbers.
    const html = await (await call('/app/bookings', { headers: { cookie: `session=${await login('rep3@example.com')}` }, now })).text();
    expect(html).toMatch(/data-count-tab="upcoming">1</);
    expect(html).toMatch(/data-count-tab="past">1</);
  });

  it('keyset paging holds under filters', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { bookings: { id: string }[]; nextCursor: string | null } = await json(
        await get('rep2@example.com', `/api/bookings?tab=past&hostId=4&limit=3&from=2026-10-01${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      );
      seen.push(...body.bookings.map((b) => b.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(await ids('rep2@example.com', '/api/bookings?tab=past&hostId=4&limit=100&from=2026-10-01'));
    expect(seen.length).toBeGreaterThan(6);
  });

  it('bad filter values are a 400 envelope on the API', async () => {
    for (const query of [
      'from=2026-02-30',
      'to=26-11-01',
      'from=2026-11-05&to=2026-11-01',
      'tab=past&attendance=maybe',
      'tab=upcoming&attendance=no_show',
      'hostId=abc',
      'pageId=0',
    ]) {
      const res = await get('admin@example.com', `/api/bookings?${query}`);
      expect(res.status, query).toBe(400);
      expect((await json(res)).error.code).toBe('validation_failed');
    }
    expect((await get('admin@example.com', '/api/bookings/counts?from=nope')).status).toBe(400);
  });
});

describe('every combination stays on an index', () => {
  const base = { id: 1, name: 'A', email: 'a@x', timezone: 'UTC', locale: 'en', teamId: 1, role: 'admin' } as const;
  const users = [
    { ...base, permissions: { view: 'all', edit: 'all', delete: 'all' } },
    { ...base, id: 2, permissions: { view: 'team', edit: 'team', delete: 'team' } },
    { ...base, id: 3, permissions: { view: 'own', edit: 'own', delete: 'own' } },
  ] as const;

  it('rows and counts: no scan of bookings, no sort, for every scope × tab × host × page × attendance × dates × cursor × short search', async () => {
    const db = getDb(env.DB);
    const plan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
      const { sql, params } = query.toSQL();
      return (await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>()).results.map((r) => r.detail).join('\n');
    };
    let checked = 0;
    for (const user of users)
      for (const tab of TABS)
        for (const hostId of [undefined, 4])
          for (const pageId of [undefined, 2])
            for (const attendance of tab === 'past' ? [undefined, 'attended', 'unmarked'] as const : [undefined])
              for (const dates of [{}, { fromAt: 1 }, { fromAt: 1, toAt: 2 }])
                for (const cursor of [null, { startAt: 5, id: 'x' }])
                  for (const q of [undefined, 'ca']) {
                    const query: ListQuery = { tab, limit: 25, cursor, now: NOW.getTime(), hostId, pageId, attendance, q, ...dates };
                    for (const steps of [await plan(tabRowsQuery(db, user as never, query)), await plan(tabCountQuery(db, user as never, query))]) {
                      const label = `${user.permissions.view} ${JSON.stringify(query)}\n${steps}`;
                      // A team's count reads its members' entries: a DISTINCT, never a sort.
                      expect(steps, label).not.toMatch(/SCAN bookings|TEMP B-TREE FOR (ORDER BY|RIGHT PART)|SCAN (th|tu)\b/);
                      // An organization-wide unfiltered count sums day buckets (today's part, if any, on bookings_status_start_idx).
                      expect(steps, label).toMatch(
                        /USING (COVERING )?INDEX (bookings_status_start_idx|bookings_page_status_start_idx|bookings_page_start_idx|bookings_status_attendance_start_idx|booking_hosts_user_tab_idx)|booking_day_counts USING PRIMARY KEY/,
                      );
                      checked++;
                    }
                  }
    expect(checked).toBeGreaterThan(500);
  }, 120_000);
});

describe('a team’s counts', () => {
  it('read the members’ entries on their index, not the whole tab', async () => {
    const manager = { id: 2, name: 'M', email: 'm@x', timezone: 'UTC', locale: 'en', teamId: 1, role: 'sales_manager', permissions: { view: 'team', edit: 'team', delete: 'team' } } as const;
    const { sql, params } = tabCountQuery(getDb(env.DB), manager as never, { tab: 'upcoming', now: NOW.getTime() }).toSQL();
    const steps = (await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>()).results.map((r) => r.detail).join('\n');
    expect(steps).toMatch(/SEARCH tu USING COVERING INDEX users_team_idx \(team_id=\?\)/);
    expect(steps).toMatch(/SEARCH th USING COVERING INDEX booking_hosts_user_tab_idx \(user_id=\? AND status=\? AND start_at>\?\)/);
    expect(steps).not.toMatch(/bookings_status_start_idx|SCAN bookings/);
  });
});

describe('the page around the rows', () => {
  it('day headings are the page zone’s Today, Tomorrow, Yesterday, then the date', () => {
    const fmt = (ms: number, zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone, dateStyle: 'medium' }).format(ms);
    const at = Date.parse('2026-11-23T03:00:00Z'); // Nov 22, 22:00 in New York; Nov 23, 08:30 in Kolkata
    expect(dayHeading(Date.parse('2026-11-23T04:30:00Z'), 'America/New_York', at, fmt).label).toBe('Today'); // 23:30 NY, Nov 22
    expect(dayHeading(Date.parse('2026-11-23T05:30:00Z'), 'America/New_York', at, fmt).label).toBe('Tomorrow');
    expect(dayHeading(Date.parse('2026-11-23T05:30:00Z'), 'Asia/Kolkata', at, fmt).label).toBe('Today');
    expect(dayHeading(Date.parse('2026-11-22T18:00:00Z'), 'Asia/Kolkata', at, fmt).label).toBe('Yesterday');
    expect(dayHeading(Date.parse('2026-11-30T15:00:00Z'), 'America/New_York', at, fmt).label).toBe('Nov 30, 2026');
  });

  it('an empty tab says what would appear there; with filters on, that nothing matches and how to clear them', async () => {
    const page = async (path: string) => (await call(path, { headers: { cookie: `session=${await login('rep3@example.com')}` }, now })).text();
    expect(await page('/app/bookings?tab=cancelled')).toContain('No cancelled bookings. Bookings you or a booker cancel appear here, with the reason.');
    expect(await page('/app/bookings?tab=rescheduled')).toContain('No rescheduled bookings.');
    const filtered = await page('/app/bookings?tab=upcoming&from=2030-01-01');
    expect(filtered).toContain('No upcoming bookings match these filters.');
    expect(filtered).toContain('<a href="/app/bookings?tab=upcoming">Clear filters</a>');
  });
});
