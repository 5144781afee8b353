import { describe, expect, it } from 'vitest';
import { env } from '../helpers';
import { getDb } from '../../src/db/client';
import { briefingMaterialQuery, briefingRecipientsQuery } from '../../src/briefing/compose';
import { sessionUserQuery } from '../../src/http/session';
import { tokenOwnerQuery } from '../../src/db/manage-tokens';
import { searchCandidatesQuery, tabRowsQuery } from '../../src/db/booking-list';
import { attendeesQuery } from '../../src/db/bookings';
import { bookings } from '../../src/db/schema';
import { pagesWithHostUsersQueries, visiblePagesCondition } from '../../src/db/pages';
import { sql } from 'drizzle-orm';

/** SQLite's plan for a drizzle query, one line per step. */
async function plan(query: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql, params } = query.toSQL();
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

describe('hot queries use their indexes', () => {
  it('every signed-in request: the session by primary key, then its user and role', async () => {
    const steps = await plan(sessionUserQuery(env, { userId: 1, sessionId: 'x' }, Date.now()));
    expect(steps[0]).toMatch(/^SEARCH sessions USING INDEX sqlite_autoindex_sessions_1 \(id=\?\)/);
    expect(steps.join('\n')).not.toMatch(/^SCAN /m);
  });

  it('every manage page: the token by primary key, its seat by primary key, its series on the series index', async () => {
    const steps = (await plan(tokenOwnerQuery(getDb(env.DB), 'x'))).join('\n');
    expect(steps).toMatch(/SEARCH manage_tokens USING INDEX sqlite_autoindex_manage_tokens_1 \(hash=\?\)/);
    expect(steps).toMatch(/SEARCH booking_attendees USING INDEX sqlite_autoindex_booking_attendees_1 \(id=\?\)/);
    expect(steps).toMatch(/SEARCH b USING INDEX bookings_series_idx \(series_id=\?\)/);
    expect(steps).not.toMatch(/^SCAN /m);
  });

  it('composing a page of briefings: bookings by id, each part of the material on its own index', async () => {
    const steps = (await plan(briefingMaterialQuery(getDb(env.DB), ['a', 'b']))).join('\n');
    expect(steps).toMatch(/SEARCH bookings USING INDEX sqlite_autoindex_bookings_1 \(id=\?\)/);
    expect(steps).toMatch(/SEARCH activities USING INDEX activities_person_time_idx \(person_id=\?\)/);
    expect(steps).toMatch(/SEARCH opportunities USING INDEX opportunities_person_status_idx \(person_id=\? AND status=\?\)/);
    // The briefed person (a group's first attendee) and its owner by primary key; the attendees on their index.
    expect(steps).toMatch(/SEARCH persons USING INTEGER PRIMARY KEY/);
    expect(steps).toMatch(/SEARCH person_owner USING INTEGER PRIMARY KEY/);
    expect(steps).toMatch(/SEARCH booking_attendees USING INDEX booking_attendees_booking_idx \(booking_id=\?\)/);
    // Only the JSON list of ids and the five recent activities are walked.
    expect(steps.match(/^SCAN .*/gm)?.filter((s) => !/json_each|SCAN recent/.test(s)) ?? []).toEqual([]);
  });

  it('the recipients of a page of briefings: users by email, their role by name', async () => {
    const steps = (await plan(briefingRecipientsQuery(getDb(env.DB), ['a@x', 'b@x']))).join('\n');
    expect(steps).toMatch(/SEARCH users USING INDEX users_email_unique \(email=\?\)/);
    expect(steps.match(/^SCAN .*/gm)?.filter((s) => !/json_each/.test(s)) ?? []).toEqual([]);
  });

  it('the scheduling pages list: a rep’s or a team’s pages and their hosts, all on indexes', async () => {
    for (const view of ['own', 'team'] as const) {
      const user = { id: 3, name: 'R', email: 'r@x', timezone: 'UTC', locale: 'en', teamId: 1, role: 'sales_rep', permissions: { view, edit: view, delete: view } } as const;
      const db = getDb(env.DB);
      const [pages, hosts] = await Promise.all(pagesWithHostUsersQueries(db, visiblePagesCondition(db, user)).map(async (q) => (await plan(q)).join('\n')));
      expect(pages).toMatch(view === 'own' ? /SEARCH page_hosts USING INDEX page_hosts_user_idx \(user_id=\?\)/ : /SEARCH users USING COVERING INDEX users_team_idx \(team_id=\?\)/);
      expect(pages).toMatch(/SEARCH scheduling_pages USING INTEGER PRIMARY KEY/);
      expect(hosts).toMatch(/SEARCH page_hosts USING INDEX sqlite_autoindex_page_hosts_1 \(page_id=\?\)/);
      expect(`${pages}\n${hosts}`).not.toMatch(/^SCAN /m);
    }
  });

  it('a renamed person: their bookings and seats for the search index, each on its index', async () => {
    const steps = (
      await env.DB.prepare('EXPLAIN QUERY PLAN SELECT id FROM bookings WHERE person_id = ? UNION SELECT booking_id FROM booking_attendees WHERE person_id = ?').bind(1, 1).all<{ detail: string }>()
    ).results.map((r) => r.detail).join('\n');
    expect(steps).toMatch(/SEARCH bookings USING INDEX bookings_person_idx \(person_id=\?\)/);
    expect(steps).toMatch(/SEARCH booking_attendees USING INDEX booking_attendees_person_idx \(person_id=\?\)/);
    expect(steps).not.toMatch(/^SCAN /m);
  });
});

describe('the Bookings page', () => {
  const admin = { id: 1, name: 'A', email: 'a@x', timezone: 'UTC', locale: 'en', teamId: null, role: 'admin', permissions: { view: 'all', edit: 'all', delete: 'all' } } as const;
  const upcoming = { tab: 'upcoming', limit: 25, cursor: null, now: Date.now() } as const;

  it('a tab walks the status/start index in order: no sort, no scan of the table', async () => {
    const steps = (await plan(tabRowsQuery(getDb(env.DB), admin, upcoming))).join('\n');
    expect(steps).toMatch(/SEARCH bookings USING INDEX bookings_status_start_idx \(status=\? AND start_at>\?\)/);
    expect(steps).not.toMatch(/TEMP B-TREE|SCAN bookings/);
  });

  it('a selective search takes its candidates from the trigram index, then looks up and sorts just those', async () => {
    const candidates = await getDb(env.DB).all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${searchCandidatesQuery('carter')}`);
    expect(candidates.map((r) => r.detail).join('\n')).toMatch(/SCAN booking_search VIRTUAL TABLE INDEX 0:L/);
    const steps = (await plan(tabRowsQuery(getDb(env.DB), admin, { ...upcoming, q: 'carter', candidateIds: ['a', 'b'] }))).join('\n');
    expect(steps).toMatch(/SEARCH bookings USING INDEX sqlite_autoindex_bookings_1 \(id=\?\)/);
    expect(steps).not.toMatch(/SCAN bookings|bookings_status_start_idx/);
    // The exact match probes each candidate's attendees on their index.
    expect(steps).toMatch(/SEARCH sa USING INDEX booking_attendees_booking_idx \(booking_id=\?\)/);
    expect(steps).not.toMatch(/SCAN (sa|sx|sp|booking_attendees)/);
  });

  it('a short search walks the tab in order, probing each row’s attendees and CRM visibility by key', async () => {
    const rep = { ...admin, id: 4, teamId: 1, permissions: { view: 'team', edit: 'team', delete: 'team' } } as const;
    const steps = (await plan(tabRowsQuery(getDb(env.DB), rep, { ...upcoming, q: 'ca' }))).join('\n');
    expect(steps).toMatch(/SEARCH bookings USING INDEX bookings_status_start_idx \(status=\? AND start_at>\?\)/);
    expect(steps).toMatch(/SEARCH sa USING INDEX booking_attendees_booking_idx \(booking_id=\?\)/);
    expect(steps).toMatch(/SEARCH ou USING INTEGER PRIMARY KEY/);
    expect(steps).not.toMatch(/TEMP B-TREE|^SCAN /m);
  });

  it('a host filter walks that host’s entries in tab order; a page filter its page’s (SPEC 13, every combination in test/routes/bookings-filters.test.ts)', async () => {
    const host = (await plan(tabRowsQuery(getDb(env.DB), admin, { ...upcoming, hostId: 3, fromAt: 1, toAt: 2 }))).join('\n');
    expect(host).toMatch(/SEARCH th USING COVERING INDEX booking_hosts_user_tab_idx \(user_id=\? AND status=\? AND start_at>\? AND start_at<\?\)/);
    const page = (await plan(tabRowsQuery(getDb(env.DB), admin, { ...upcoming, pageId: 2 }))).join('\n');
    expect(page).toMatch(/SEARCH bookings USING INDEX bookings_page_status_start_idx \(page_id=\? AND status=\? AND start_at>\?\)/);
    expect(host + page).not.toMatch(/TEMP B-TREE|SCAN bookings/);
  });

  it('a page of rows brings each row’s hosts and attendees in the same statement, probed by key', async () => {
    const steps = (await plan(tabRowsQuery(getDb(env.DB), admin, { ...upcoming, hostId: 3, fromAt: 1, toAt: 2 }))).join('\n');
    expect(steps).toMatch(/CORRELATED SCALAR SUBQUERY[\s\S]*SEARCH rh USING COVERING INDEX sqlite_autoindex_booking_hosts_1 \(booking_id=\?\)/);
    expect(steps).toMatch(/SEARCH ru USING INTEGER PRIMARY KEY/);
    expect(steps).toMatch(/SEARCH ra USING INDEX booking_attendees_booking_idx \(booking_id=\?\)/);
    expect(steps).toMatch(/SEARCH rp USING INTEGER PRIMARY KEY/);
    expect(steps).not.toMatch(/TEMP B-TREE|SCAN /);
  });

  it('the attendees of a page of rows: one statement on booking_attendees_booking_idx', async () => {
    const db = getDb(env.DB);
    const steps = (await plan(attendeesQuery(db, db.select({ id: bookings.id }).from(bookings).where(sql`${bookings.id} IN ('a', 'b')`)))).join('\n');
    expect(steps).toMatch(/SEARCH booking_attendees USING INDEX booking_attendees_booking_idx \(booking_id=\?\)/);
    expect(steps).toMatch(/SEARCH persons USING INTEGER PRIMARY KEY/);
    expect(steps).not.toMatch(/SCAN booking_attendees/);
  });
});
