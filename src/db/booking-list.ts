import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import { bookingPageFields, forViewer, hostFields, personLinkFields, personOwner, type AttendeeRow, type ViewedBooking } from './bookings';
import { bookingDayCounts, bookingHosts, bookings, persons, schedulingPages, users } from './schema';
import { bookingScopeCondition, personScopeCondition } from './scope';
import { TABS, TAB_RULES, encodeCursor, type AttendanceFilter, type Cursor, type Tab } from '../domain/tabs';
import type { SessionUser } from '../domain/permissions';

/** The filters of the Bookings page and its API, combined with the tab (SPEC 13). */
export type BookingFilters = {
  q?: string;
  pageId?: number;
  hostId?: number;
  attendance?: AttendanceFilter;
  /** Start at or after (UTC ms): the first instant of `from` in the viewer's zone. */
  fromAt?: number;
  /** Start before (UTC ms): the first instant of the day after `to` in the viewer's zone. */
  toAt?: number;
};

export type ListQuery = BookingFilters & {
  tab: Tab;
  limit: number;
  cursor: Cursor | null;
  now: number;
  /** Search candidates from the trigram index, when the term is selective (see listBookings). */
  candidateIds?: string[];
};

export type TabCounts = Record<Tab, number>;

/** Up to this many candidates, a search sorts just those; beyond, matches are dense enough that walking the tab finds a page at once. */
const MAX_SEARCH_CANDIDATES = 1_000;

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** The host whose bookings a query walks on booking_hosts_user_tab_idx (its copies of status and start). */
const tabHost = alias(bookingHosts, 'th');
const teamHost = alias(users, 'tu');

/** driver: one host's entries; team: every team member's entries (counts only, DISTINCT bookings). */
type TabFilter = { where: SQL | undefined; order: SQL[]; driver: number | undefined; team: number | undefined; searching: boolean };

/**
 * The filter and order of a tab inside the user's view scope, keyset on (start_at, id).
 * With a host (the host filter, or scope own) the rows come from that host's entries on
 * booking_hosts_user_tab_idx; a page filter walks bookings_page_status_start_idx, the Past tab's
 * attendance filter bookings_status_attendance_start_idx, else bookings_status_start_idx. Dates
 * narrow the start range of whichever index, so every combination reads in order, unsorted.
 */
function tabFilter(user: SessionUser, q: Omit<ListQuery, 'limit'>, mode: 'rows' | 'count' = 'rows'): TabFilter {
  const rule = TAB_RULES[q.tab];
  const scope = user.permissions.view;
  // A selective search takes its candidates from the trigram index and sorts just those: the
  // unary `+` keeps SQLite from walking a whole index instead.
  const searching = q.candidateIds !== undefined;
  const driver = searching ? undefined : (q.hostId ?? (scope === 'own' ? user.id : undefined));
  // A team's count needs no order: it reads the team members' entries instead of the whole tab.
  const team = mode === 'count' && !searching && driver === undefined && scope === 'team' && user.teamId !== null ? user.teamId : undefined;
  const byHost = driver !== undefined || team !== undefined;
  const plain = (column: AnyColumn) => (searching ? sql`+${column}` : sql`${column}`);
  const status = byHost ? sql`${tabHost.status}` : plain(bookings.status);
  const startAt = byHost ? sql`${tabHost.startAt}` : plain(bookings.startAt);
  const id = byHost ? sql`${tabHost.bookingId}` : sql`${bookings.id}`;
  const conditions: (SQL | undefined)[] = [eq(status, rule.status)];
  // Walking the user's own entries (or their team's) is the scope itself.
  if (!(scope === 'own' && driver === user.id) && team === undefined) conditions.push(bookingScopeCondition(user, scope));
  if (rule.time === 'future') conditions.push(gt(startAt, q.now));
  if (rule.time === 'past') conditions.push(lte(startAt, q.now));
  if (q.fromAt !== undefined) conditions.push(gte(startAt, q.fromAt));
  if (q.toAt !== undefined) conditions.push(lt(startAt, q.toAt));
  if (q.pageId !== undefined) conditions.push(eq(plain(bookings.pageId), q.pageId));
  if (q.attendance !== undefined) {
    const column = plain(bookings.attendance);
    conditions.push(q.attendance === 'unmarked' ? isNull(column) : eq(column, q.attendance));
  }
  if (q.hostId !== undefined && driver === undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM booking_hosts fh WHERE fh.booking_id = "bookings"."id" AND fh.user_id = ${q.hostId})`);
  }
  if (q.q) {
    // The candidates are a superset; the exact, escaped match keeps only true hits.
    if (q.candidateIds) conditions.push(inArray(bookings.id, sql`(SELECT value FROM json_each(${JSON.stringify(q.candidateIds)}))`));
    conditions.push(searchMatch(user, q.q));
  }
  if (q.cursor) {
    const { startAt: at, id: last } = q.cursor;
    conditions.push(
      rule.order === 'asc' ? or(gt(startAt, at), and(eq(startAt, at), gt(id, last))) : or(lt(startAt, at), and(eq(startAt, at), lt(id, last))),
    );
  }
  const order = rule.order === 'asc' ? [asc(startAt), asc(id)] : [desc(startAt), desc(id)];
  return { where: and(...conditions), order, driver, team, searching };
}

export type ListedBooking = ViewedBooking & { hosts: { id: number; name: string }[] };

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

/** With a host, the rows start from their entries on booking_hosts_user_tab_idx, which give the order. */
function fromTab(db: Db, f: TabFilter, select: Record<string, unknown>) {
  if (f.team !== undefined)
    return db
      .select(select as never)
      .from(teamHost)
      .innerJoin(tabHost, eq(tabHost.userId, teamHost.id))
      .innerJoin(bookings, and(eq(bookings.id, tabHost.bookingId), eq(teamHost.teamId, f.team)));
  if (f.driver === undefined) return db.select(select as never).from(bookings);
  return db
    .select(select as never)
    .from(tabHost)
    .innerJoin(bookings, and(eq(bookings.id, tabHost.bookingId), eq(tabHost.userId, f.driver)));
}

/**
 * Each row's hosts and current attendees as JSON, probed per row on booking_hosts' primary key and
 * booking_attendees_booking_idx: the page comes in one statement, instead of two more that each
 * walk the tab again for the page's ids.
 */
const rowExtras = {
  hostsJson: sql<string>`(SELECT json_group_array(json_array(rh.user_id, ru.team_id, ru.name))
    FROM booking_hosts rh JOIN users ru ON ru.id = rh.user_id WHERE rh.booking_id = "bookings"."id")`.as('hosts_json'),
  attendeesJson: sql<string>`(SELECT json_group_array(json_object('id', ra.id, 'name', ra.name, 'email', ra.email, 'phone', ra.phone,
      'timezone', ra.timezone, 'notes', ra.notes, 'answers', json(ra.answers), 'attendance', ra.attendance, 'personId', ra.person_id,
      'personName', rp.name, 'personEmail', rp.email, 'ownerId', rp.owner_id, 'ownerTeamId', ro.team_id, 'createdAt', ra.created_at, 'seq', ra.rowid))
    FROM booking_attendees ra LEFT JOIN persons rp ON rp.id = ra.person_id LEFT JOIN users ro ON ro.id = rp.owner_id
    WHERE ra.booking_id = "bookings"."id" AND ra.status = 'confirmed')`.as('attendees_json'),
};

/** The rows of one page of a tab (one more than the limit, to know whether another follows), with their hosts and attendees. */
export const tabRowsQuery = (db: Db, user: SessionUser, q: ListQuery) => rowsOf(db, tabFilter(user, q), q.limit);

function rowsOf(db: Db, f: TabFilter, limit: number) {
  return (fromTab(db, f, { booking: bookings, page: bookingPageFields, ...personLinkFields, ...rowExtras }) as any)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .leftJoin(persons, eq(persons.id, bookings.personId))
    .leftJoin(personOwner, eq(personOwner.id, persons.ownerId))
    .where(f.where)
    .orderBy(...f.order)
    .limit(limit + 1) as ReturnType<typeof rowsShape>;
}
// The row type of rowsOf (the dynamic FROM hides it from drizzle's inference).
const rowsShape = (db: Db) =>
  db
    .select({ booking: bookings, page: bookingPageFields, ...personLinkFields, ...rowExtras })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .limit(1);

type AttendeeJson = AttendeeRow & { createdAt: number; seq: number };
/** A row's attendees by join time (rowid, the insertion order, breaks ties), as attendeesQuery orders them. */
const attendeesOfRow = (bookingId: string, json: string): AttendeeRow[] =>
  (JSON.parse(json) as AttendeeJson[])
    .sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq)
    .map(({ createdAt: _, seq: __, ...a }) => ({ ...a, bookingId }));

const DAY_MS = 86_400_000;

/**
 * An organization-wide, unfiltered tab count from booking_day_counts: whole days summed, and
 * only today's bookings counted on bookings_status_start_idx (the side of now they fall on).
 */
function orgTabCountQuery(db: Db, tab: Tab, now: number) {
  const rule = TAB_RULES[tab];
  const c = bookingDayCounts;
  const today = Math.floor(now / DAY_MS);
  const sum = sql<number>`COALESCE(SUM(${c.n}), 0)`;
  if (rule.time === 'any') return db.select({ n: sum }).from(c).where(eq(c.status, rule.status));
  const todays =
    rule.time === 'future'
      ? sql`(SELECT count(*) FROM bookings WHERE status = ${rule.status} AND start_at > ${now} AND start_at < ${(today + 1) * DAY_MS})`
      : sql`(SELECT count(*) FROM bookings WHERE status = ${rule.status} AND start_at >= ${today * DAY_MS} AND start_at <= ${now})`;
  return db
    .select({ n: sql<number>`${sum} + ${todays}` })
    .from(c)
    .where(and(eq(c.status, rule.status), rule.time === 'future' ? gt(c.day, today) : lt(c.day, today)));
}

/** A tab's count under the same scope and filters (no cursor), on the same index as its rows. */
export function tabCountQuery(db: Db, user: SessionUser, q: Omit<ListQuery, 'limit' | 'cursor'>) {
  const unfiltered = !q.q && q.pageId === undefined && q.hostId === undefined && q.fromAt === undefined && q.toAt === undefined;
  if (user.permissions.view === 'all' && unfiltered && (q.tab !== 'past' || q.attendance === undefined)) return orgTabCountQuery(db, q.tab, q.now);
  const f = tabFilter(user, { ...q, cursor: null, attendance: q.tab === 'past' ? q.attendance : undefined }, 'count');
  // A collective booking of two team members is one booking.
  const base = fromTab(db, f, { n: f.team !== undefined ? sql<number>`count(DISTINCT ${tabHost.bookingId})` : sql<number>`count(*)` }) as any;
  return (q.q ? base.leftJoin(persons, eq(persons.id, bookings.personId)) : base).where(f.where) as ReturnType<typeof countShape>;
}
const countShape = (db: Db) => db.select({ n: sql<number>`count(*)` }).from(bookings);

/**
 * Bookings whose booker text holds the term, from the trigram index (booking_search, migration
 * 0005), or undefined when the term is too short for trigrams or too common to be worth it.
 * The pattern is unescaped (an ESCAPE clause keeps FTS5 off its index), so `%` and `_` widen
 * the candidates; the exact match on the rows narrows them again.
 */
export const searchCandidatesQuery = (term: string) =>
  sql`SELECT booking_id FROM booking_search WHERE booker LIKE ${`%${term}%`} LIMIT ${MAX_SEARCH_CANDIDATES + 1}`;

export async function searchCandidates(db: Db, term: string): Promise<string[] | undefined> {
  if (term.length < 3) return undefined;
  const rows = await db.all<{ booking_id: string }>(searchCandidatesQuery(term));
  return rows.length > MAX_SEARCH_CANDIDATES ? undefined : rows.map((r) => r.booking_id);
}

/**
 * One page of a tab with everything its rows show (hosts with their names, a group's attendees,
 * the CRM as the user may see it) and, when asked, every tab's count under the same filters:
 * one D1 round trip (two for a search, whose candidates come first), one statement for the rows.
 */
export async function listBookings(
  db: Db,
  user: SessionUser,
  query: ListQuery,
  options: { counts?: boolean } = {},
): Promise<{ rows: ListedBooking[]; nextCursor: string | null; counts?: TabCounts }> {
  // The caller may bring the candidates (an export reads them once for all its pages).
  const q = query.q && !('candidateIds' in query) ? { ...query, candidateIds: await searchCandidates(db, query.q) } : query;
  const filter = tabFilter(user, q);
  const counts = options.counts ? TABS.map((tab) => tabCountQuery(db, user, { ...q, tab })) : [];
  const [rows, ...countRows] = await db.batch([rowsOf(db, filter, q.limit), ...counts]);
  const page = rows.slice(0, q.limit).map((r): ListedBooking => {
    const own = (JSON.parse(r.hostsJson) as [number, number | null, string][]).map(([userId, teamId, name]) => ({ userId, teamId, name }));
    const viewed = forViewer(user, { booking: r.booking, page: r.page, ...hostFields(own) }, r, attendeesOfRow(r.booking.id, r.attendeesJson));
    return { ...viewed, hosts: own.sort((a, b) => a.userId - b.userId).map((h) => ({ id: h.userId, name: h.name })) };
  });
  const last = rows.length > q.limit ? rows[q.limit - 1].booking : null;
  return {
    rows: page,
    nextCursor: last ? encodeCursor({ startAt: last.startAt, id: last.id }) : null,
    ...(options.counts ? { counts: Object.fromEntries(TABS.map((tab, i) => [tab, (countRows[i] as { n: number }[])[0]?.n ?? 0])) as TabCounts } : {}),
  };
}
