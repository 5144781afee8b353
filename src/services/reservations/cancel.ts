/** A booking is cancelled: its hosts' time is freed and everyone hears of it. */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bookingAttendees, bookings, hostClaims } from '../../db/schema';
import type { CalendarFollowUp } from '../../calendar/sync';
import type { OutboxEmail } from '../../email/outbox';
import type { CancelJob, ReservationResult } from './types';
import { commit, eventStatements, queueInto, type Statements } from './commit';
import { assignedHost, loadChangeable } from './loads';
import { emailFor } from './emails';

/** `leaving`: the group seat whose departure empties the occurrence (it leaves in the same batch). */
export async function cancel(db: Db, job: CancelJob, leaving?: typeof bookingAttendees.$inferSelect): Promise<ReservationResult> {
  const loaded = await loadChangeable(db, job.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking, page } = loaded;
  const hosts = loaded.hostUsers;
  const occurrence = { ...booking, icsSequence: booking.icsSequence + 1 };
  const statements: Statements = [
    db
      .update(bookings)
      .set({ status: 'cancelled', cancelReason: job.reason, cancelledBy: job.by, icsSequence: occurrence.icsSequence, updatedAt: job.now })
      .where(eq(bookings.id, booking.id)),
    db.delete(hostClaims).where(eq(hostClaims.bookingId, booking.id)),
    ...(leaving ? [db.update(bookingAttendees).set({ status: 'cancelled' }).where(and(eq(bookingAttendees.id, leaving.id), eq(bookingAttendees.status, 'confirmed')))] : []),
  ];
  const ctx = { page, occurrence, bookingId: booking.id, primary: hosts[0], hosts };
  const bookers = loaded.bookers;
  const emails: OutboxEmail[] = bookers.map((booker) => emailFor('cancellation_booker', ctx, booker, { reason: job.reason, ics: 'CANCEL', now: job.now }));
  // Hosts hear who it was about now: the leaving seat, else a current booker (never a seat that left long ago).
  const about = leaving ?? bookers[0] ?? { name: booking.bookerName, email: booking.bookerEmail };
  for (const host of hosts) {
    emails.push(emailFor('cancellation_host', ctx, { ...host, timezone: null }, { reason: job.reason, bookerName: about.name, bookerEmail: about.email, now: job.now }));
  }
  const outboxIds = queueInto(db, statements, emails, job.now);
  statements.push(...eventStatements(db, { type: 'booking.cancelled', bookingId: booking.id, attendeeId: leaving?.id, now: job.now }));
  const failure = await commit(db, statements);
  if (failure) return failure;
  const calendar: CalendarFollowUp[] = booking.calendarEventId
    ? [{ action: 'cancel', bookingId: booking.id, hostEmail: assignedHost(hosts, booking).email, eventId: booking.calendarEventId }]
    : [];
  return { ok: true, bookingId: booking.id, outboxIds, calendar, claims: { added: [], released: [booking.id] } };
}
