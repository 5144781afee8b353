/**
 * Reschedule and cancel, shared by the host's Bookings page and the booker's manage page:
 * one implementation, run under the locks of every host the change can touch.
 */
import { eq } from 'drizzle-orm';
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

export async function changeBooking(env: Bindings, job: Extract<ReservationJob, { kind: 'reschedule' | 'cancel' }>): Promise<ReservationResult> {
  return runUnderHostLocks(env, job, await lockSet(env, job.bookingId));
}

/** A group booker leaving or moving their own seat. */
export async function changeGroupSeat(env: Bindings, bookingId: string, job: Extract<ReservationJob, { kind: 'leave_seat' | 'move_seat' }>) {
  return runUnderHostLocks(env, job, await lockSet(env, bookingId));
}
