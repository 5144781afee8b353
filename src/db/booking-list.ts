import { and, asc, desc, eq, gt, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { bookingPageFields, type BookingRecord } from './bookings';
import { bookingHosts, bookings, persons, schedulingPages, users } from './schema';
import { bookingScopeCondition } from './scope';
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
};

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * The filter and order of one page of a tab inside the user's view scope, keyset on
 * (start_at, id). Served by bookings_status_start_idx; scope and host filters are
 * primary-key probes on booking_hosts per row.
 */
function tabPage(user: SessionUser, q: ListQuery) {
  const rule = TAB_RULES[q.tab];
  const conditions: (SQL | undefined)[] = [eq(bookings.status, rule.status), bookingScopeCondition(user, user.permissions.view)];
  if (rule.time === 'future') conditions.push(gt(bookings.startAt, q.now));
  if (rule.time === 'past') conditions.push(lte(bookings.startAt, q.now));
  if (q.pageId !== undefined) conditions.push(eq(bookings.pageId, q.pageId));
  if (q.hostId !== undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM booking_hosts fh WHERE fh.booking_id = "bookings"."id" AND fh.user_id = ${q.hostId})`);
  }
  if (q.q) {
    const p = likePattern(q.q);
    conditions.push(
      sql`(${bookings.bookerName} LIKE ${p} ESCAPE '\\' OR ${bookings.bookerEmail} LIKE ${p} ESCAPE '\\' OR ${persons.name} LIKE ${p} ESCAPE '\\')`,
    );
  }
  if (q.cursor) {
    const { startAt, id } = q.cursor;
    conditions.push(
      rule.order === 'asc'
        ? or(gt(bookings.startAt, startAt), and(eq(bookings.startAt, startAt), gt(bookings.id, id)))
        : or(lt(bookings.startAt, startAt), and(eq(bookings.startAt, startAt), lt(bookings.id, id))),
    );
  }
  const order = rule.order === 'asc' ? [asc(bookings.startAt), asc(bookings.id)] : [desc(bookings.startAt), desc(bookings.id)];
  return { where: and(...conditions), order };
}

export type ListedBooking = BookingRecord & { personName: string | null; personEmail: string | null };

/** One page of a tab with everything its rows show, in one D1 round trip. */
export async function listBookings(db: Db, user: SessionUser, q: ListQuery): Promise<{ rows: ListedBooking[]; nextCursor: string | null }> {
  const { where, order } = tabPage(user, q);
  const rowsQuery = db
    .select({
      booking: bookings,
      page: bookingPageFields,
      personName: persons.name,
      personEmail: persons.email,
    })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .leftJoin(persons, eq(persons.id, bookings.personId))
    .where(where)
    .orderBy(...order)
    .limit(q.limit + 1);
  // The same page of ids as a subquery, so the hosts come in the same batch.
  const pageIds = db
    .select({ id: bookings.id })
    .from(bookings)
    .leftJoin(persons, eq(persons.id, bookings.personId))
    .where(where)
    .orderBy(...order)
    .limit(q.limit + 1);
  const [rows, hosts] = await db.batch([
    rowsQuery,
    db
      .select({ bookingId: bookingHosts.bookingId, userId: bookingHosts.userId, teamId: users.teamId })
      .from(bookingHosts)
      .innerJoin(users, eq(users.id, bookingHosts.userId))
      .where(inArray(bookingHosts.bookingId, pageIds)),
  ]);
  const hostsByBooking = new Map<string, { userId: number; teamId: number | null }[]>();
  for (const h of hosts) hostsByBooking.set(h.bookingId, [...(hostsByBooking.get(h.bookingId) ?? []), h]);
  const page = rows.slice(0, q.limit).map((r) => {
    const h = (hostsByBooking.get(r.booking.id) ?? []).sort((a, b) => a.userId - b.userId);
    return { ...r, hostIds: h.map((x) => x.userId), hostTeamIds: h.map((x) => x.teamId) };
  });
  const last = rows.length > q.limit ? rows[q.limit - 1].booking : null;
  return { rows: page, nextCursor: last ? encodeCursor({ startAt: last.startAt, id: last.id }) : null };
}
