/**
 * Calendar work that follows a committed change: patch the event of a rescheduled booking
 * (same event, so the same Meet URL) or delete the event of a cancelled one, and record the
 * outcome on the booking so a failure shows in the drawer. A calendar failure never undoes
 * the booking.
 */
import { eq } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { bookings } from '../db/schema';
import { googleCalendar } from './google';

export type CalendarFollowUp =
  | { action: 'patch'; bookingId: string; hostEmail: string; eventId: string; start: number; end: number }
  | { action: 'cancel'; bookingId: string; hostEmail: string; eventId: string };

export async function syncCalendar(env: Bindings, followUp: CalendarFollowUp): Promise<void> {
  const calendar = googleCalendar(env);
  if (!calendar) return;
  const result =
    followUp.action === 'patch'
      ? await calendar.patchEvent(followUp.hostEmail, followUp.eventId, { start: followUp.start, end: followUp.end })
      : await calendar.cancelEvent(followUp.hostEmail, followUp.eventId);
  await getDb(env.DB)
    .update(bookings)
    .set(
      result.ok
        ? { calendarStatus: followUp.action === 'patch' ? 'updated' : 'cancelled', calendarError: null }
        : { calendarStatus: 'failed', calendarError: result.error },
    )
    .where(eq(bookings.id, followUp.bookingId));
}
