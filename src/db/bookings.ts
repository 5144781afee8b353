import { eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { bookingAttendees, bookingHosts, bookings, schedulingPages, users, type Booking } from './schema';
import { iso } from '../domain/time';
import type { BookingHostsView } from '../domain/permissions';

export type BookingRecord = {
  booking: Booking;
  page: Pick<typeof schedulingPages.$inferSelect, 'slug' | 'title' | 'strategy' | 'durationMinutes' | 'questions'>;
  hostIds: number[];
  hostTeamIds: (number | null)[];
};

/** The page fields a booking row shows. */
export const bookingPageFields = {
  slug: schedulingPages.slug,
  title: schedulingPages.title,
  strategy: schedulingPages.strategy,
  durationMinutes: schedulingPages.durationMinutes,
  questions: schedulingPages.questions,
};

/** Bookings with their page and hosts, in one round trip however many rows. */
export async function loadBookingRecords(db: Db, ids: string[]): Promise<BookingRecord[]> {
  if (ids.length === 0) return [];
  const [rows, hosts] = await db.batch([
    db
      .select({ booking: bookings, page: bookingPageFields })
      .from(bookings)
      .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
      .where(inArray(bookings.id, ids)),
    db
      .select({ bookingId: bookingHosts.bookingId, userId: bookingHosts.userId, teamId: users.teamId })
      .from(bookingHosts)
      .innerJoin(users, eq(users.id, bookingHosts.userId))
      .where(inArray(bookingHosts.bookingId, ids)),
  ]);
  const byId = new Map(rows.map((r) => [r.booking.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const h = hosts.filter((x) => x.bookingId === id).sort((a, b) => a.userId - b.userId);
    return [{ ...r, hostIds: h.map((x) => x.userId), hostTeamIds: h.map((x) => x.teamId) }];
  });
}

export const loadBookingRecord = async (db: Db, id: string) => (await loadBookingRecords(db, [id]))[0];

export const hostsView = (r: BookingRecord): BookingHostsView => ({ hostIds: r.hostIds, hostTeamIds: r.hostTeamIds });

/** The booking object of the HTTP contract. */
export function bookingJson(r: BookingRecord) {
  const b = r.booking;
  return {
    id: b.id,
    seriesId: b.seriesId,
    pageId: b.pageId,
    pageSlug: r.page.slug,
    pageTitle: r.page.title,
    status: b.status,
    start: iso(b.startAt),
    end: iso(b.endAt),
    timezone: b.timezone,
    hostId: b.hostId,
    hostIds: r.hostIds,
    strategy: r.page.strategy,
    bookerName: b.bookerName,
    bookerEmail: b.bookerEmail,
    bookerPhone: b.bookerPhone,
    bookerTimezone: b.bookerTimezone,
    notes: b.notes,
    answers: b.answers,
    locationType: b.locationType,
    locationValue: b.locationValue,
    meetingUrl: b.meetingUrl,
    durationMinutes: Math.round((b.endAt - b.startAt) / 60_000),
    attendeeCount: b.attendeeCount,
    capacity: b.capacity,
    attendance: b.attendance,
    cancelReason: b.cancelReason,
    cancelledBy: b.cancelledBy,
    hostMessage: b.hostMessage,
    icsUid: b.icsUid,
    icsSequence: b.icsSequence,
    personId: b.personId,
    briefingSentAt: b.briefingSentAt === null ? null : iso(b.briefingSentAt),
    calendarEventId: b.calendarEventId,
    calendarStatus: b.calendarStatus,
    calendarError: b.calendarError,
    emailStatus: b.emailStatus,
    emailAttempts: b.emailAttempts,
    emailLastError: b.emailLastError,
    emailProviderId: b.emailProviderId,
    createdAt: iso(b.createdAt),
  };
}

export type BookingJson = ReturnType<typeof bookingJson>;


/** A group seat's booker details, in the booking's field names. */
export const seatBooker = (seat: typeof bookingAttendees.$inferSelect) => ({
  bookerName: seat.name,
  bookerEmail: seat.email,
  bookerPhone: seat.phone,
  bookerTimezone: seat.timezone,
  notes: seat.notes,
  answers: seat.answers,
});
