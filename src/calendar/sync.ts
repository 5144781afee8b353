/**
 * Calendar work that follows a committed change: patch the event of a rescheduled booking
 * (same event, so the same Meet URL), delete the event of a cancelled one, or bring a group
 * occurrence's guest list up to date, and record the outcome on the booking so a failure
 * shows in the drawer. A calendar failure never undoes the booking.
 */
import { and, eq } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { bookingAttendees, bookings } from '../db/schema';
import { googleCalendar } from './google';

export type CalendarFollowUp =
  | { action: 'patch'; bookingId: string; hostEmail: string; eventId: string; start: number; end: number }
  | { action: 'cancel'; bookingId: string; hostEmail: string; eventId: string }
  | { action: 'attendees'; bookingId: string; hostEmail: string; eventId: string };

const STATUS_AFTER = { patch: 'updated', cancel: 'cancelled', attendees: 'updated' } as const;

export async function syncCalendar(env: Bindings, followUp: CalendarFollowUp): Promise<void> {
  const calendar = googleCalendar(env);
  if (!calendar) return;
  const db = getDb(env.DB);
  let result;
  if (followUp.action === 'patch') result = await calendar.patchEvent(followUp.hostEmail, followUp.eventId, { start: followUp.start, end: followUp.end });
  else if (followUp.action === 'cancel') result = await calendar.cancelEvent(followUp.hostEmail, followUp.eventId);
  else {
    // Read when sent, not when queued: joins racing each other all end with the full list.
    const seats = await db
      .select({ email: bookingAttendees.email })
      .from(bookingAttendees)
      .where(and(eq(bookingAttendees.bookingId, followUp.bookingId), eq(bookingAttendees.status, 'confirmed')));
    result = await calendar.setAttendees(followUp.hostEmail, followUp.eventId, seats.map((s) => s.email));
  }
  await db
    .update(bookings)
    .set(result.ok ? { calendarStatus: STATUS_AFTER[followUp.action], calendarError: null } : { calendarStatus: 'failed', calendarError: result.error })
    .where(eq(bookings.id, followUp.bookingId));
}

/** Several follow-ups of one change, one after another (each records its own outcome). */
export async function syncCalendars(env: Bindings, followUps: CalendarFollowUp[]): Promise<void> {
  for (const followUp of followUps) await syncCalendar(env, followUp);
}
