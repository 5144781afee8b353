/** A group booker's own seat: it leaves the occurrence, or moves to another time. */
import { and, eq } from 'drizzle-orm';
import type { Bindings } from '../../env';
import type { Db } from '../../db/client';
import { bookingAttendees, bookingSeries, bookings, hostClaims, type Booking } from '../../db/schema';
import { seatBooker } from '../../db/bookings';
import { issueManageToken } from '../../db/manage-tokens';
import type { CalendarFollowUp } from '../../calendar/sync';
import { fail, type LeaveSeatJob, type MoveSeatJob, type ReservationResult } from './types';
import { commit, eventStatements, queueInto, type Statements } from './commit';
import { checkSlot, claimStatements, seatCountChange } from './claims';
import { loadChangeable, pickHosts } from './loads';
import { emailFor, manageUrlFor } from './emails';
import { attendeesFollowUp, createMeetEvent } from './calendar';
import { cancel } from './cancel';

export async function leaveSeat(db: Db, job: LeaveSeatJob): Promise<ReservationResult> {
  const [attendee] = await db.select().from(bookingAttendees).where(eq(bookingAttendees.id, job.attendeeId));
  if (!attendee || attendee.status !== 'confirmed') return fail('invalid_state', 'This registration is no longer active');
  const loaded = await loadChangeable(db, attendee.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking, page } = loaded;
  // The last booker leaving cancels the occurrence and frees the host's time.
  if (booking.attendeeCount <= 1) return cancel(db, { kind: 'cancel', bookingId: booking.id, by: 'booker', reason: job.reason, now: job.now }, attendee);
  const hosts = loaded.hostUsers;
  const left = seatCountChange(db, booking, -1, job.now);
  const ctx = { page, occurrence: left.occurrence, bookingId: booking.id, primary: hosts[0], hosts };
  const statements: Statements = [
    db.update(bookingAttendees).set({ status: 'cancelled' }).where(and(eq(bookingAttendees.id, attendee.id), eq(bookingAttendees.status, 'confirmed'))),
    left.statement,
  ];
  const outboxIds = queueInto(db, statements, [
    emailFor('cancellation_booker', ctx, attendee, { reason: job.reason, ics: 'CANCEL', now: job.now }),
    emailFor('cancellation_host', ctx, { ...hosts[0], timezone: null }, { reason: job.reason, bookerName: attendee.name, bookerEmail: attendee.email, now: job.now }),
  ], job.now);
  statements.push(...eventStatements(db, { type: 'booking.cancelled', bookingId: booking.id, attendeeId: attendee.id, now: job.now }));
  const failure = await commit(db, statements);
  return failure ?? { ok: true, bookingId: booking.id, attendeeId: attendee.id, outboxIds, calendar: attendeesFollowUp(booking, hosts[0]) };
}

export async function moveSeat(env: Bindings, db: Db, job: MoveSeatJob): Promise<ReservationResult> {
  const [attendee] = await db.select().from(bookingAttendees).where(eq(bookingAttendees.id, job.attendeeId));
  if (!attendee || attendee.status !== 'confirmed') return fail('invalid_state', 'This registration is no longer active');
  const loaded = await loadChangeable(db, attendee.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking: from, page } = loaded;
  // Already there: nothing to move (idempotent, like a repeated request).
  if (job.start === from.startAt) return { ok: true, bookingId: from.id, attendeeId: attendee.id, outboxIds: [] };
  const checked = await checkSlot(env, db, page, job.start, job.now);
  if ('ok' in checked) return checked;
  const end = job.start + (from.endAt - from.startAt);
  const hosts = pickHosts(checked.hostUsers, loaded.hostIds);
  const statements: Statements = [];
  let to: Booking;
  let meet: Awaited<ReturnType<typeof createMeetEvent>> = null;
  if (checked.occurrenceId) {
    const [existing] = await db.select().from(bookings).where(eq(bookings.id, checked.occurrenceId));
    const joined = seatCountChange(db, existing, 1, job.now);
    to = joined.occurrence;
    // The capacity CHECK aborts the batch if the last seat went meanwhile.
    statements.push(joined.statement);
  } else {
    // A new occurrence at that time, in a series of its own, with its own Meet event.
    const seriesId = crypto.randomUUID();
    const id = crypto.randomUUID();
    meet = await createMeetEvent(env, page, hosts[0], { requestId: id, summary: `${page.title}: ${attendee.name}`, description: '', start: job.start, end, attendees: [attendee.email] });
    to = {
      ...from,
      id,
      seriesId,
      icsUid: `${seriesId}@${new URL(env.APP_URL).hostname}`,
      icsSequence: 0,
      startAt: job.start,
      endAt: end,
      ...seatBooker(attendee),
      bookerLocale: attendee.locale,
      personId: attendee.personId,
      attendeeCount: 1,
      ...(meet?.fields ?? { meetingUrl: from.meetingUrl, calendarEventId: null, calendarStatus: null, calendarError: null }),
      briefingSentAt: null,
      attendance: null,
      createdAt: job.now,
      updatedAt: job.now,
    };
    statements.push(
      db.insert(bookingSeries).values({ id: seriesId, pageId: page.id, icsUid: to.icsUid, createdAt: job.now }),
      db.insert(bookings).values(to),
      ...claimStatements(db, to.id, loaded.hostIds, page, job.start, end),
    );
  }
  statements.push(db.update(bookingAttendees).set({ bookingId: to.id }).where(and(eq(bookingAttendees.id, attendee.id), eq(bookingAttendees.status, 'confirmed'))));
  const left = { ...from, icsSequence: from.icsSequence + 1 };
  if (from.attendeeCount <= 1) {
    // The last seat moving away cancels the old occurrence and frees the host's time. No reason
    // is stored: the booker gave none, and a stored sentence would be in one language for all.
    statements.push(
      db
        .update(bookings)
        .set({ status: 'cancelled', cancelledBy: 'booker', cancelReason: null, icsSequence: left.icsSequence, attendeeCount: 0, updatedAt: job.now })
        .where(eq(bookings.id, from.id)),
      db.delete(hostClaims).where(eq(hostClaims.bookingId, from.id)),
    );
  } else {
    statements.push(seatCountChange(db, from, -1, job.now).statement);
  }
  const link = await issueManageToken(db, { attendeeId: attendee.id }, job.now);
  statements.push(link.statement);
  const outboxIds = queueInto(db, statements, [
    emailFor('booking_confirmation', { page, occurrence: to, bookingId: to.id, primary: hosts[0], hosts }, attendee, {
      manageUrl: manageUrlFor(env, page.slug, link.token),
      ics: 'REQUEST',
      now: job.now,
    }),
    emailFor('cancellation_booker', { page, occurrence: left, bookingId: from.id, primary: hosts[0], hosts }, attendee, { moved: {}, ics: 'CANCEL', now: job.now }),
    emailFor('booker_rescheduled', { page, occurrence: to, bookingId: to.id, primary: hosts[0], hosts }, { ...hosts[0], timezone: null }, { bookerName: attendee.name, bookerEmail: attendee.email, now: job.now }),
  ], job.now);
  statements.push(
    ...eventStatements(db, { type: 'booking.rescheduled', bookingId: to.id, fromBookingId: from.id, previous: { start: from.startAt, end: from.endAt }, attendeeId: attendee.id, now: job.now }),
  );
  const failure = await commit(db, statements);
  if (failure) {
    await meet?.undo();
    return failure;
  }
  // The new time's guest list gains the booker; the old one loses them, or goes when empty.
  const calendar: CalendarFollowUp[] = meet ? [] : attendeesFollowUp(to, hosts[0]);
  if (from.calendarEventId)
    calendar.push(
      from.attendeeCount <= 1
        ? { action: 'cancel', bookingId: from.id, hostEmail: hosts[0].email, eventId: from.calendarEventId }
        : { action: 'attendees', bookingId: from.id, hostEmail: hosts[0].email, eventId: from.calendarEventId },
    );
  const claims = {
    added: checked.occurrenceId ? [] : loaded.hostIds.map((hostId) => ({ hostId, bookingId: to.id, start: job.start, end })),
    released: from.attendeeCount <= 1 ? [from.id] : [],
  };
  return { ok: true, bookingId: to.id, attendeeId: attendee.id, outboxIds, calendar, claims };
}
