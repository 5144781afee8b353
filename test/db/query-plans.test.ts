import { describe, expect, it } from 'vitest';
import { env } from '../helpers';
import { getDb } from '../../src/db/client';
import { briefingMaterialQuery } from '../../src/briefing/compose';
import { sessionUserQuery } from '../../src/http/session';
import { tokenOwnerQuery } from '../../src/db/manage-tokens';
import { searchCandidatesQuery, tabRowsQuery } from '../../src/db/booking-list';
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
    // Only the JSON list of ids and the five recent activities are walked.
    expect(steps.match(/^SCAN .*/gm)?.filter((s) => !/json_each|SCAN recent/.test(s)) ?? []).toEqual([]);
  });
});

describe('the Bookings page', () => {
  const admin = { id: 1, name: 'A', email: 'a@x', timezone: 'UTC', teamId: null, role: 'admin', permissions: { view: 'all', edit: 'all', delete: 'all' } } as const;
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
  });
});
