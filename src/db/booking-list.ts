import { and, asc, desc, eq, gt, inArray, lt, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { attendeesQuery, bookingPageFields, byBooking, forViewer, hostFields, personLinkFields, personOwner, type ViewedBooking } from './bookings';
import { bookingHosts, bookings, persons, schedulingPages, users } from './schema';
import { bookingScopeCondition, personScopeCondition } from './scope';
import { TAB_RULES, encodeCursor, type Cursor, type Tab } from '../domain/tabs';
import type { SessionUser } from '../domain/permissions';

export type ListQuery = {
  tab: Tab;
  limit: number;
  cursor: Cursor | null;
  q?: string;
  pageId?: number;
  hostId?: number;
  now: number;
  /** Search candidates from the trigram index, when the term is selective (see listBookings). */
  candidateIds?: string[];
};

/** Up to this many candidates, a search sorts just those; beyond, matches are dense enough that walking the tab finds a page at once. */
const MAX_SEARCH_CANDIDATES = 1_000;

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * The filter and order of one page of a tab inside the user's view scope, keyset on
 * (start_at, id). Served by bookings_status_start_idx; scope and host filters are
 * primary-key probes on booking_hosts per row.
 */
function tabPage(user: SessionUser, q: ListQuery) {
  const rule = TAB_RULES[q.tab];
  // A selective search takes its candidates from the trigram index and sorts just those: the
  // unary `+` keeps SQLite from walking the whole tab on bookings_status_start_idx instead.
  const searching = q.candidateIds !== undefined;
  const status: SQL = searching ? sql`+${bookings.status}` : sql`${bookings.status}`;
  const startAt: SQL = searching ? sql`+${bookings.startAt}` : sql`${bookings.startAt}`;
  const conditions: (SQL | undefined)[] = [eq(status, rule.status), bookingScopeCondition(user, user.permissions.view)];
  if (rule.time === 'future') conditions.push(gt(startAt, q.now));
  if (rule.time === 'past') conditions.push(lte(startAt, q.now));
  if (q.pageId !== undefined) conditions.push(eq(bookings.pageId, q.pageId));
  if (q.hostId !== undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM booking_hosts fh WHERE fh.booking_id = "bookings"."id" AND fh.user_id = ${q.hostId})`);
  }
  if (q.q) {
    // The candidates are a superset; the exact, escaped match keeps only true hits.
    if (q.candidateIds) conditions.push(inArray(bookings.id, sql`(SELECT value FROM json_each(${JSON.stringify(q.candidateIds)}))`));
    conditions.push(searchMatch(user, q.q));
  }
  if (q.cursor) {
    const { startAt: at, id } = q.cursor;
    conditions.push(
      rule.order === 'asc'
        ? or(gt(startAt, at), and(eq(startAt, at), gt(bookings.id, id)))
        : or(lt(startAt, at), and(eq(startAt, at), lt(bookings.id, id))),
    );
  }
  const order = rule.order === 'asc' ? [asc(startAt), asc(bookings.id)] : [desc(startAt), desc(bookings.id)];
  return { where: and(...conditions), order };
}

export type ListedBooking = ViewedBooking;

/**
 * The exact search match, on what the row shows the user: a group occurrence's current
 * attendees (any of them), else the booking's booker; a CRM name only where the person is
 * visible to the user (SPEC 15), so a search cannot reveal a hidden link. The attendee probes
 * use booking_attendees_booking_idx.
 */
function searchMatch(user: SessionUser, term: string): SQL {
  const p = likePattern(term);
  const like = (column: SQL | AnyColumn) => sql`${column} LIKE ${p} ESCAPE '\\'`;
  const scope = user.permissions.view;
  const hasSeats = sql`EXISTS (SELECT 1 FROM booking_attendees sx WHERE sx.booking_id = "bookings"."id" AND sx.status = 'confirmed')`;
  const seatMatch = sql`EXISTS (SELECT 1 FROM booking_attendees sa LEFT JOIN persons sp ON sp.id = sa.person_id
    WHERE sa.booking_id = "bookings"."id" AND sa.status = 'confirmed'
      AND (${like(sql`sa.name`)} OR ${like(sql`sa.email`)} OR (${like(sql`sp.name`)} AND ${personScopeCondition(user, scope, sql`sp.owner_id`)})))`;
  const bookerMatch = sql`(${like(bookings.bookerName)} OR ${like(bookings.bookerEmail)} OR (${like(persons.name)} AND ${personScopeCondition(user, scope, persons.ownerId)}))`;
  return sql`(CASE WHEN ${hasSeats} THEN ${seatMatch} ELSE ${bookerMatch} END)`;
}

/** The rows of one page of a tab (one more than the limit, to know whether another follows). */
export const tabRowsQuery = (db: Db, user: SessionUser, q: ListQuery) => rowsOf(db, tabPage(user, q), q.limit);

function rowsOf(db: Db, { where, order }: ReturnType<typeof tabPage>, limit: number) {
  return db
    .select({ booking: bookings, page: bookingPageFields, ...personLinkFields })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .leftJoin(persons, eq(persons.id, bookings.personId))
    .leftJoin(personOwner, eq(personOwner.id, persons.ownerId))
    .where(where)
    .orderBy(...order)
    .limit(limit + 1);
}

/**
 * Bookings whose booker text holds the term, from the trigram index (booking_search, migration
 * 0005), or undefined when the term is too short for trigrams or too common to be worth it.
 * The pattern is unescaped (an ESCAPE clause keeps FTS5 off its index), so `%` and `_` widen
 * the candidates; the exact match on the rows narrows them again.
 */
export const searchCandidatesQuery = (term: string) =>
  sql`SELECT booking_id FROM booking_search WHERE booker LIKE ${`%${term}%`} LIMIT ${MAX_SEARCH_CANDIDATES + 1}`;

async function searchCandidates(db: Db, term: string): Promise<string[] | undefined> {
  if (term.length < 3) return undefined;
  const rows = await db.all<{ booking_id: string }>(searchCandidatesQuery(term));
  return rows.length > MAX_SEARCH_CANDIDATES ? undefined : rows.map((r) => r.booking_id);
}

/**
 * One page of a tab with everything its rows show (hosts, a group's attendees, the CRM as the
 * user may see it): one D1 round trip (two for a search, whose candidates come first).
 */
export async function listBookings(db: Db, user: SessionUser, query: ListQuery): Promise<{ rows: ListedBooking[]; nextCursor: string | null }> {
  const q = query.q ? { ...query, candidateIds: await searchCandidates(db, query.q) } : query;
  const filter = tabPage(user, q);
  const { where, order } = filter;
  const rowsQuery = rowsOf(db, filter, q.limit);
  // The same page of ids as a subquery, so the hosts and attendees come in the same batch.
  const pageIds = db
    .select({ id: bookings.id })
    .from(bookings)
    .leftJoin(persons, eq(persons.id, bookings.personId))
    .where(where)
    .orderBy(...order)
    .limit(q.limit + 1);
  const [rows, hosts, attendees] = await db.batch([
    rowsQuery,
    db
      .select({ bookingId: bookingHosts.bookingId, userId: bookingHosts.userId, teamId: users.teamId })
      .from(bookingHosts)
      .innerJoin(users, eq(users.id, bookingHosts.userId))
      .where(inArray(bookingHosts.bookingId, pageIds)),
    attendeesQuery(db, pageIds),
  ]);
  const hostsOf = byBooking(hosts);
  const attendeesOf = byBooking(attendees);
  const page = rows.slice(0, q.limit).map((r) =>
    forViewer(user, { booking: r.booking, page: r.page, ...hostFields(hostsOf.get(r.booking.id)) }, r, attendeesOf.get(r.booking.id) ?? []),
  );
  const last = rows.length > q.limit ? rows[q.limit - 1].booking : null;
  return { rows: page, nextCursor: last ? encodeCursor({ startAt: last.startAt, id: last.id }) : null };
}
