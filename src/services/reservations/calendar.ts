/** The host's calendar around a reservation: the Meet event made before the commit, the follow-ups after it. */
import type { Bindings } from '../../env';
import type { Booking } from '../../db/schema';
import type { PageWithHosts } from '../../db/pages';
import type { HostUser } from '../../db/availability';
import { googleCalendar } from '../../calendar/google';
import type { CalendarFollowUp } from '../../calendar/sync';

export type CalendarFields = Pick<Booking, 'meetingUrl' | 'calendarEventId' | 'calendarStatus' | 'calendarError'>;

/**
 * For a Google Meet page, the host's event for a new occurrence, made before the commit so
 * the confirmation carries its join URL. A calendar failure is recorded on the booking; it
 * never stops it. `undo` removes the event again when the commit fails.
 */
export async function createMeetEvent(
  env: Bindings,
  page: PageWithHosts,
  host: HostUser,
  event: { requestId: string; summary: string; description: string; start: number; end: number; attendees: string[] },
): Promise<{ fields: CalendarFields; undo: () => Promise<unknown> } | null> {
  const calendar = page.locationType === 'google_meet' ? googleCalendar(env) : null;
  if (!calendar) return null;
  const created = await calendar.insertEvent(host.email, event);
  if (!created.ok) return { fields: { meetingUrl: null, calendarEventId: null, calendarStatus: 'failed', calendarError: created.error }, undo: async () => {} };
  return {
    fields: { meetingUrl: created.value.meetUrl, calendarEventId: created.value.id, calendarStatus: 'created', calendarError: null },
    undo: () => calendar.cancelEvent(host.email, created.value.id),
  };
}

export const attendeesFollowUp = (occurrence: Booking, host: HostUser): CalendarFollowUp[] =>
  occurrence.calendarEventId ? [{ action: 'attendees', bookingId: occurrence.id, hostEmail: host.email, eventId: occurrence.calendarEventId }] : [];
