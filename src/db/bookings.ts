import { chunked } from './batch';
import { and, asc, eq, inArray, sql, type SQLWrapper } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import { bookingAttendees, bookingHosts, bookings, persons, schedulingPages, users, type Booking } from './schema';
import { iso } from '../domain/time';
import { personWithinScope, type BookingHostsView, type SessionUser } from '../domain/permissions';

/** A group occurrence's current attendee as its host sees it (CRM name and link only when visible). */
export type HostAttendee = { id: string; name: string; email: string; attendance: Booking['attendance']; personId: number | null };

export type BookingRecord = {
  booking: Booking;
  page: Pick<typeof schedulingPages.$inferSelect, 'slug' | 'title' | 'strategy' | 'durationMinutes' | 'questions' | 'horizonDays'>;
  hostIds: number[];
  hostTeamIds: (number | null)[];
  /** Host side only (loaded for a viewer): a group occurrence's confirmed attendees, by join time. */
  attendees?: HostAttendee[];
};

/** A host-side record: the booker as the viewer may see them (see forViewer). */
export type ViewedBooking = BookingRecord & { personName: string | null; personEmail: string | null };

/** The page fields a booking row shows. */
export const bookingPageFields = {
  slug: schedulingPages.slug,
  title: schedulingPages.title,
  strategy: schedulingPages.strategy,
  durationMinutes: schedulingPages.durationMinutes,
  questions: schedulingPages.questions,
  horizonDays: schedulingPages.horizonDays,
};

export const personOwner = alias(users, 'person_owner');

/** The linked CRM person with their owner, for the visibility rule (left joins on primary keys). */
export const personLinkFields = {
  // Aliased: D1 batches map results by column name, so a second `name` or `email` would clobber the first.
  personName: sql<string | null>`${persons.name}`.as('person_name'),
  personEmail: sql<string | null>`${persons.email}`.as('person_email'),
  ownerId: sql<number | null>`${persons.ownerId}`.as('person_owner_id'),
  ownerTeamId: sql<number | null>`${personOwner.teamId}`.as('person_owner_team_id'),
};
type PersonLink = { personName: string | null; personEmail: string | null; ownerId: number | null; ownerTeamId: number | null };

/**
 * The confirmed attendees of the given occurrences (ids or a subquery of them), by join time,
 * each with their CRM person and its owner: one statement on booking_attendees_booking_idx.
 */
export function attendeesQuery(db: Db, bookingIds: string[] | SQLWrapper) {
  return db
    .select({
      id: bookingAttendees.id,
      bookingId: bookingAttendees.bookingId,
      name: bookingAttendees.name,
      email: bookingAttendees.email,
      phone: bookingAttendees.phone,
      timezone: bookingAttendees.timezone,
      notes: bookingAttendees.notes,
      answers: bookingAttendees.answers,
      attendance: bookingAttendees.attendance,
      personId: bookingAttendees.personId,
      ...personLinkFields,
    })
    .from(bookingAttendees)
    .leftJoin(persons, eq(persons.id, bookingAttendees.personId))
    .leftJoin(personOwner, eq(personOwner.id, persons.ownerId))
    .where(and(inArray(bookingAttendees.bookingId, bookingIds), eq(bookingAttendees.status, 'confirmed')))
    // Join time; rowid (insertion order) breaks ties within a millisecond.
    .orderBy(asc(bookingAttendees.createdAt), sql`${bookingAttendees}.rowid`);
}
export type AttendeeRow = Awaited<ReturnType<typeof attendeesQuery>>[number];

const visiblePerson = (viewer: SessionUser, link: PersonLink) => link.personEmail !== null && personWithinScope(viewer, viewer.permissions.view, link);

/**
 * The booker as `viewer` may see them. A group occurrence's booker fields come from its first
 * current attendee (never a seat that left), its attendance from theirs when all agree. The
 * CRM name and person link show only when the person's owner is in the viewer's view scope
 * (SPEC 15); otherwise the viewer sees what the booker typed.
 */
export function forViewer(viewer: SessionUser, record: BookingRecord, link: PersonLink, attendees: AttendeeRow[]): ViewedBooking {
  const b = record.booking;
  if (attendees.length === 0) {
    const visible = visiblePerson(viewer, link);
    return {
      ...record,
      booking: { ...b, personId: visible ? b.personId : null },
      personName: visible ? link.personName : null,
      personEmail: visible ? link.personEmail : null,
    };
  }
  const seen = attendees.map((a) => ({ row: a, visible: visiblePerson(viewer, a) }));
  const [first] = seen;
  const marks = new Set(attendees.map((a) => a.attendance));
  return {
    ...record,
    booking: {
      ...b,
      ...seatBooker(first.row),
      personId: first.visible ? first.row.personId : null,
      attendance: marks.size === 1 ? attendees[0].attendance : null,
    },
    personName: first.visible ? first.row.personName : null,
    personEmail: first.visible ? first.row.personEmail : null,
    attendees: seen.map(({ row, visible }) => ({
      id: row.id,
      name: (visible && row.personName) || row.name,
      email: row.email,
      attendance: row.attendance,
      personId: visible ? row.personId : null,
    })),
  };
}

const hostsQuery = (db: Db, bookingIds: string[]) =>
  db
    .select({ bookingId: bookingHosts.bookingId, userId: bookingHosts.userId, teamId: users.teamId })
    .from(bookingHosts)
    .innerJoin(users, eq(users.id, bookingHosts.userId))
    .where(inArray(bookingHosts.bookingId, bookingIds));

/** Groups rows by booking id, keeping their order. */
export function byBooking<T extends { bookingId: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(r.bookingId, [...(out.get(r.bookingId) ?? []), r]);
  return out;
}

export const hostFields = (hosts: { userId: number; teamId: number | null }[] = []) => {
  const h = [...hosts].sort((a, b) => a.userId - b.userId);
  return { hostIds: h.map((x) => x.userId), hostTeamIds: h.map((x) => x.teamId) };
};

/**
 * Bookings with their page and hosts, in one round trip however many rows. With a viewer (the
 * host side), also each occurrence's attendees and the CRM as that viewer may see it.
 */
export async function loadBookingRecords(db: Db, ids: string[]): Promise<BookingRecord[]>;
export async function loadBookingRecords(db: Db, ids: string[], viewer: SessionUser): Promise<ViewedBooking[]>;
export async function loadBookingRecords(db: Db, ids: string[], viewer?: SessionUser): Promise<BookingRecord[]> {
  if (ids.length === 0) return [];
  // D1 binds at most 100 values per statement (the attendees query adds one of its own).
  if (ids.length > 90) {
    const slices = await Promise.all(chunked(ids).map((slice) => (viewer ? loadBookingRecords(db, slice, viewer) : loadBookingRecords(db, slice))));
    return slices.flat();
  }
  const rowsQuery = db
    .select({ booking: bookings, page: bookingPageFields, ...personLinkFields })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .leftJoin(persons, eq(persons.id, bookings.personId))
    .leftJoin(personOwner, eq(personOwner.id, persons.ownerId))
    .where(inArray(bookings.id, ids));
  // The attendees only for a viewer (the host side); public answers never carry them.
  const [rows, hosts, attendees = []] = viewer
    ? await db.batch([rowsQuery, hostsQuery(db, ids), attendeesQuery(db, ids)])
    : await db.batch([rowsQuery, hostsQuery(db, ids)]);
  const hostsOf = byBooking(hosts);
  const attendeesOf = byBooking(attendees);
  const byId = new Map(rows.map((r) => [r.booking.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const record: BookingRecord = { booking: r.booking, page: r.page, ...hostFields(hostsOf.get(id)) };
    return [viewer ? forViewer(viewer, record, r, attendeesOf.get(id) ?? []) : record];
  });
}

export async function loadBookingRecord(db: Db, id: string): Promise<BookingRecord | undefined>;
export async function loadBookingRecord(db: Db, id: string, viewer: SessionUser): Promise<ViewedBooking | undefined>;
export async function loadBookingRecord(db: Db, id: string, viewer?: SessionUser): Promise<BookingRecord | undefined> {
  return (await (viewer ? loadBookingRecords(db, [id], viewer) : loadBookingRecords(db, [id])))[0];
}

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
    bookerLocale: b.bookerLocale,
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
    // Host side only (see loadBookingRecords): a group occurrence's current attendees.
    ...(r.attendees ? { attendees: r.attendees } : {}),
  };
}

export type BookingJson = ReturnType<typeof bookingJson>;

/** A group seat's booker details, in the booking's field names. */
export const seatBooker = (seat: Pick<typeof bookingAttendees.$inferSelect, 'name' | 'email' | 'phone' | 'timezone' | 'notes' | 'answers'>) => ({
  bookerName: seat.name,
  bookerEmail: seat.email,
  bookerPhone: seat.phone,
  bookerTimezone: seat.timezone,
  notes: seat.notes,
  answers: seat.answers,
});
