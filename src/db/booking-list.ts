import { and, asc, desc, eq, gt, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { bookings, persons } from './schema';
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
 * One page of a tab inside the user's view scope, by keyset on (start_at, id). Served by
 * bookings_status_start_idx; scope and host filters are primary-key probes per row.
 */
export function bookingListQuery(db: Db, user: SessionUser, q: ListQuery) {
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
  return db
    .select({ id: bookings.id, startAt: bookings.startAt, personName: persons.name, personEmail: persons.email })
    .from(bookings)
    .leftJoin(persons, eq(persons.id, bookings.personId))
    .where(and(...conditions))
    .orderBy(...order)
    .limit(q.limit + 1);
}

export function nextCursor(rows: { id: string; startAt: number }[], limit: number): string | null {
  if (rows.length <= limit) return null;
  const last = rows[limit - 1];
  return encodeCursor({ startAt: last.startAt, id: last.id });
}
