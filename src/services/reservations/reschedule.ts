/** A booking moves to another time: the old row becomes 'rescheduled', a new one takes the time. */
import { eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Bindings } from '../../env';
import type { Db } from '../../db/client';
import { bookingAttendees, bookings, hostClaims } from '../../db/schema';
import { issueManageToken } from '../../db/manage-tokens';
import type { CalendarFollowUp } from '../../calendar/sync';
import { SLOT_TAKEN, type RescheduleJob, type ReservationResult } from './types';
import { commit, eventStatements, queueInto, type Statements } from './commit';
import { checkSlot, claimStatements, pickRoundRobin } from './claims';
import { assignedHost, loadChangeable, loadHostUsers, pickHosts } from './loads';
import { emailFor, manageUrlFor } from './emails';
import { createMeetEvent, type CalendarFields } from './calendar';

export async function reschedule(env: Bindings, db: Db, job: RescheduleJob): Promise<ReservationResult> {
  const loaded = await loadChangeable(db, job.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking, page } = loaded;
  const checked = await checkSlot(env, db, page, job.start, job.now, booking);
  if ('ok' in checked) return checked;
  const { slot } = checked;
  if (page.strategy === 'group' && checked.occurrenceId) return SLOT_TAKEN();

  // Individual, collective and group keep their hosts; round robin keeps the host when the
  // host moves it, or for a booker when the host is free at the new time; else it picks by its
  // rule among the free hosts and moves that cursor in the same batch.
  let hostIds = loaded.hostIds;
  let cursor: BatchItem<'sqlite'> | null = null;
  if (page.strategy === 'round_robin') {
    if (!slot.hostIds.includes(booking.hostId)) {
      if (job.by === 'host') return SLOT_TAKEN();
      const picked = await pickRoundRobin(db, page, slot.hostIds, job.now);
      if (!picked) return SLOT_TAKEN();
      hostIds = [picked.hostId];
      cursor = picked.cursor;
    }
  } else if (!hostIds.every((h) => slot.hostIds.includes(h))) return SLOT_TAKEN();

  const end = job.start + (booking.endAt - booking.startAt);
  const newId = crypto.randomUUID();
  const hosts = hostIds.every((id) => loaded.hostIds.includes(id)) ? pickHosts(loaded.hostUsers, hostIds) : await loadHostUsers(db, hostIds);
  // Round robin may hand a booker's new time to another host: the meeting then leaves the old
  // host's calendar and gets a Meet event of its own on the new host's, made before the commit
  // (like a new booking) so the booker's confirmation carries its join URL.
  const previousHost = hostIds[0] === booking.hostId ? null : (loaded.hostUsers.find((h) => h.id === booking.hostId) ?? (await loadHostUsers(db, [booking.hostId]))[0]);
  const meet = previousHost
    ? await createMeetEvent(env, page, hosts[0], { requestId: newId, summary: `${page.title}: ${booking.bookerName}`, description: booking.notes ?? '', start: job.start, end, attendees: [booking.bookerEmail] })
    : null;
  const calendarFields: CalendarFields = meet?.fields ?? booking;
  const occurrence = { ...booking, ...calendarFields, startAt: job.start, endAt: end, icsSequence: booking.icsSequence + 1 };
  const statements: Statements = [
    // The status trigger aborts the batch if someone else changed this booking meanwhile.
    db.update(bookings).set({ status: 'rescheduled', updatedAt: job.now }).where(eq(bookings.id, booking.id)),
    db.delete(hostClaims).where(eq(hostClaims.bookingId, booking.id)),
    db.insert(bookings).values({
      ...booking,
      ...calendarFields,
      id: newId,
      hostId: hostIds[0],
      status: 'confirmed',
      startAt: job.start,
      endAt: end,
      icsSequence: occurrence.icsSequence,
      hostMessage: job.by === 'host' ? job.message : null,
      briefingSentAt: null,
      attendance: null,
      emailStatus: 'pending',
      emailAttempts: 0,
      emailLastError: null,
      emailProviderId: null,
      createdAt: job.now,
      updatedAt: job.now,
    }),
    ...claimStatements(db, newId, hostIds, page, job.start, end),
    db.update(bookingAttendees).set({ bookingId: newId }).where(eq(bookingAttendees.bookingId, booking.id)),
    ...(cursor ? [cursor] : []),
  ];
  const outboxIds: string[] = [];
  const ctx = { page, occurrence, bookingId: newId, primary: hosts[0], hosts };
  const bookers = loaded.bookers;
  for (const booker of bookers) {
    // Every booker email offers the manage link: a fresh token of the series (or seat).
    const link = await issueManageToken(db, booker.owner, job.now);
    statements.push(link.statement);
    const manageUrl = manageUrlFor(env, page.slug, link.token);
    const e =
      job.by === 'host'
        ? emailFor('host_rescheduled', ctx, booker, { message: job.message, manageUrl, ics: 'REQUEST', now: job.now })
        : emailFor('booking_confirmation', ctx, booker, { manageUrl, ics: 'REQUEST', now: job.now });
    outboxIds.push(...queueInto(db, statements, [e], job.now));
  }
  if (job.by === 'booker') {
    const aboutBooker = { bookerName: booking.bookerName, bookerEmail: booking.bookerEmail, now: job.now };
    const hostEmails = previousHost
      ? [
          // The new host gets a new booking; the old one learns it left their calendar.
          emailFor('booking_host_notification', ctx, { ...hosts[0], timezone: null }, { ...aboutBooker, notes: booking.notes }),
          // The sentence is the old host's language's, written by the template.
          emailFor('cancellation_host', { ...ctx, occurrence: booking, bookingId: booking.id, primary: previousHost, hosts: [previousHost] }, { ...previousHost, timezone: null }, {
            ...aboutBooker,
            moved: { toHost: hosts[0].name },
          }),
        ]
      : hosts.map((host) => emailFor('booker_rescheduled', ctx, { ...host, timezone: null }, aboutBooker));
    outboxIds.push(...queueInto(db, statements, hostEmails, job.now));
  }
  statements.push(
    ...eventStatements(db, { type: 'booking.rescheduled', bookingId: newId, fromBookingId: booking.id, previous: { start: booking.startAt, end: booking.endAt }, now: job.now }),
  );
  const failure = await commit(db, statements);
  if (failure) {
    await meet?.undo();
    return failure;
  }
  const calendar: CalendarFollowUp[] = [];
  if (previousHost && booking.calendarEventId)
    calendar.push({ action: 'cancel', bookingId: booking.id, hostEmail: previousHost.email, eventId: booking.calendarEventId });
  else if (booking.calendarEventId)
    calendar.push({ action: 'patch', bookingId: newId, hostEmail: assignedHost(hosts, booking).email, eventId: booking.calendarEventId, start: job.start, end });
  const claims = { added: hostIds.map((hostId) => ({ hostId, bookingId: newId, start: job.start, end })), released: [booking.id] };
  return { ok: true, bookingId: newId, outboxIds, calendar, claims };
}
