/** What a change reads before it commits: the booking and its page, its hosts, its bookers. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb, together, type Db } from '../../db/client';
import { bookingAttendees, bookingHosts, bookings, schedulingPages, users, type Booking } from '../../db/schema';
import { loadPages } from '../../db/pages';
import type { HostUser } from '../../db/availability';
import type { TokenOwner } from '../../db/manage-tokens';
import type { Locale } from '../../domain/locales';
import { fail } from './types';

/** Hosts with their language (their own emails are written in it, SPEC 10), in the given order. */
export async function loadHostUsers(db: Db, ids: number[]): Promise<HostUser[]> {
  const rows = await db.select({ id: users.id, name: users.name, email: users.email, locale: users.locale }).from(users).where(inArray(users.id, ids));
  return pickHosts(rows, ids);
}

/** The given hosts in the given order (primary first). */
export const pickHosts = <H extends HostUser>(rows: H[], ids: number[]) => ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is H => !!r);

/** The booking's assigned host among its hosts (whose calendar holds the event). */
export const assignedHost = (hosts: HostUser[], booking: Booking) => hosts.find((h) => h.id === booking.hostId) ?? hosts[0];

export type BookerOf = { name: string; email: string; timezone: string | null; locale: Locale; owner: TokenOwner };

/** Bookers of an occurrence (its confirmed attendee rows on a group page, else the booking's own booker), each with what their manage link opens. */
export function bookersFrom(booking: Booking, attendees: (typeof bookingAttendees.$inferSelect)[]): BookerOf[] {
  if (attendees.length) return attendees.map((a) => ({ name: a.name, email: a.email, timezone: a.timezone, locale: a.locale, owner: { attendeeId: a.id } }));
  return [{ name: booking.bookerName, email: booking.bookerEmail, timezone: booking.bookerTimezone, locale: booking.bookerLocale, owner: { seriesId: booking.seriesId } }];
}

/**
 * A booking about to change, in one D1 round trip (see together): the booking, its page, its
 * hosts with their language, and its bookers. Only upcoming confirmed bookings can change.
 */
export async function loadChangeable(db: Db, bookingId: string, now: number) {
  const reads = getDb(together(db.$client));
  const hostsOf = reads.select({ id: bookingHosts.userId }).from(bookingHosts).where(eq(bookingHosts.bookingId, bookingId));
  const [[found], [page], hostRows, attendees] = await Promise.all([
    reads.batch([reads.select().from(bookings).where(eq(bookings.id, bookingId))]).then(([rows]) => rows),
    loadPages(reads, eq(schedulingPages.id, sql`(SELECT page_id FROM bookings WHERE id = ${bookingId})`)),
    reads.batch([reads.select({ id: users.id, name: users.name, email: users.email, locale: users.locale }).from(users).where(inArray(users.id, hostsOf))]).then(([rows]) => rows),
    reads
      .batch([reads.select().from(bookingAttendees).where(and(eq(bookingAttendees.bookingId, bookingId), eq(bookingAttendees.status, 'confirmed')))])
      .then(([rows]) => rows),
  ]);
  const booking: Booking | undefined = found;
  if (!booking) return fail('not_found', 'Booking not found');
  if (booking.status !== 'confirmed' || booking.startAt <= now) return fail('invalid_state', 'Only upcoming confirmed bookings can be changed');
  if (!page) return fail('not_found', 'Booking not found');
  const hostIds = hostRows.map((h) => h.id).sort((a, b) => a - b);
  return { booking, page, hostIds, hostUsers: pickHosts(hostRows, hostIds), bookers: bookersFrom(booking, attendees) };
}
