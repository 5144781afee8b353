/**
 * The booking as a booker sees it (booking POST, manage GET/POST, the invite download): built
 * only from the caller's own booking or, on a group page, their own seat, as a whitelist of
 * what they gave and need. Nothing internal (CRM link, hosts, delivery or calendar audit, the
 * host's message) and nothing of another booker, so the answer cannot tell a stranger whether
 * an email is a known customer or who else registered.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bookingAttendees, bookings, schedulingPages, type Booking } from '../db/schema';
import { iso } from '../domain/time';
import { seatBooker } from '../db/bookings';

type Seat = typeof bookingAttendees.$inferSelect;
type PageFields = { slug: string; title: string; strategy: string };

export type PublicSource = { booking: Booking; page: PageFields; seat: Seat | null };

const pageFields = { slug: schedulingPages.slug, title: schedulingPages.title, strategy: schedulingPages.strategy };

export function publicBookingJson({ booking: b, page, seat }: PublicSource) {
  const occurrence = {
    id: b.id,
    seriesId: b.seriesId,
    pageSlug: page.slug,
    pageTitle: page.title,
    start: iso(b.startAt),
    end: iso(b.endAt),
    timezone: b.timezone,
    strategy: page.strategy,
    locationType: b.locationType,
    locationValue: b.locationValue,
    meetingUrl: b.meetingUrl,
    durationMinutes: Math.round((b.endAt - b.startAt) / 60_000),
    icsUid: b.icsUid,
    icsSequence: b.icsSequence,
  };
  if (!seat) {
    return {
      ...occurrence,
      status: b.status,
      bookerName: b.bookerName,
      bookerEmail: b.bookerEmail,
      bookerPhone: b.bookerPhone,
      bookerTimezone: b.bookerTimezone,
      notes: b.notes,
      answers: b.answers,
      cancelReason: b.cancelReason,
      cancelledBy: b.cancelledBy,
    };
  }
  // A seat that left is cancelled by its booker while the occurrence goes on for the others.
  const seatLeft = seat.status === 'cancelled' && b.status !== 'cancelled';
  // The occurrence's reason is another booker's words unless the host cancelled it for everyone.
  const hostReason = b.cancelledBy === 'host' ? b.cancelReason : null;
  return {
    ...occurrence,
    status: seatLeft ? ('cancelled' as const) : b.status,
    ...seatBooker(seat),
    cancelReason: seatLeft ? null : hostReason,
    cancelledBy: seatLeft ? ('booker' as const) : b.cancelledBy,
    attendeeCount: b.attendeeCount,
    seatsLeft: Math.max(0, b.capacity - b.attendeeCount),
  };
}

export type PublicBooking = ReturnType<typeof publicBookingJson>;

/** The caller's booking, or their seat with its occurrence, in one query. */
export async function loadPublicBooking(db: Db, owner: { bookingId: string; attendeeId?: string | null }): Promise<PublicBooking | null> {
  if (owner.attendeeId) {
    const [row] = await db
      .select({ seat: bookingAttendees, booking: bookings, page: pageFields })
      .from(bookingAttendees)
      .innerJoin(bookings, eq(bookings.id, bookingAttendees.bookingId))
      .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
      .where(eq(bookingAttendees.id, owner.attendeeId));
    return row ? publicBookingJson(row) : null;
  }
  const [row] = await db
    .select({ booking: bookings, page: pageFields })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .where(eq(bookings.id, owner.bookingId));
  return row ? publicBookingJson({ ...row, seat: null }) : null;
}
