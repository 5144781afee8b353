/**
 * Reschedule and cancel, shared by the host's Bookings page and the booker's manage page:
 * one implementation, run under the locks of every host the change can touch.
 */
import { eq, sql } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { bookingHosts, bookings, pageHosts } from '../db/schema';
import { runUnderHostLocks } from '../host-schedule';
import type { ReservationJob, ReservationResult } from './reservations';

/** Hosts of the booking plus the page's hosts (round robin may move to another host). */
async function lockSet(env: Bindings, bookingId: string): Promise<number[]> {
  const db = getDb(env.DB);
  const [current, page] = await db.batch([
    db.select({ userId: bookingHosts.userId }).from(bookingHosts).where(eq(bookingHosts.bookingId, bookingId)),
    db
      .select({ userId: pageHosts.userId })
      .from(pageHosts)
      .innerJoin(bookings, eq(bookings.pageId, pageHosts.pageId))
      .where(eq(bookings.id, bookingId)),
  ]);
  return [...current, ...page].map((r) => r.userId);
}

/**
 * `lockHosts`: the same set when the caller already read it (the bulk action loads every
 * booking's hosts and page hosts at once instead of twice per booking).
 */
export async function changeBooking(
  env: Bindings,
  job: Extract<ReservationJob, { kind: 'reschedule' | 'cancel' }>,
  lockHosts?: number[],
): Promise<ReservationResult> {
  return runUnderHostLocks(env, job, lockHosts ?? (await lockSet(env, job.bookingId)));
}

/** Every booking's lock set (its hosts plus its page's hosts) in one statement. */
export async function lockSets(env: Bindings, bookingIds: string[]): Promise<Map<string, number[]>> {
  const db = getDb(env.DB);
  const out = new Map<string, number[]>(bookingIds.map((id) => [id, []]));
  if (bookingIds.length === 0) return out;
  const rows = await db.all<{ booking_id: string; user_id: number }>(sql`
    SELECT bh.booking_id, bh.user_id FROM booking_hosts bh WHERE bh.booking_id IN (SELECT value FROM json_each(${JSON.stringify(bookingIds)}))
    UNION SELECT b.id, ph.user_id FROM bookings b JOIN page_hosts ph ON ph.page_id = b.page_id WHERE b.id IN (SELECT value FROM json_each(${JSON.stringify(bookingIds)}))`);
  for (const r of rows) out.get(r.booking_id)?.push(r.user_id);
  return out;
}

/** A group booker leaving or moving their own seat. */
export async function changeGroupSeat(env: Bindings, bookingId: string, job: Extract<ReservationJob, { kind: 'leave_seat' | 'move_seat' }>) {
  return runUnderHostLocks(env, job, await lockSet(env, bookingId));
}
