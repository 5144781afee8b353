/**
 * What a booking change does to workflow messages (SPEC 11). The statements run at the end of
 * the change's own batch and read what it wrote, so a message exists exactly when its change
 * does (invariant 3). Webhook actions are not ours: webhooks/effects.ts queues those.
 */
import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { BookingEvent } from '../services/booking-events';
import type { WorkflowTrigger } from '../domain/workflows';
import { cancelPendingStatement, moveTimedStatements, queueStatements } from '../db/workflows';

const TIMED: WorkflowTrigger[] = ['before_start', 'after_end'];
const INSIDE_WINDOW_MADE = 'Not sent: the booking was made after this message was due';
const INSIDE_WINDOW_MOVED = 'Not sent: the meeting moved to a time after this message was due';

const one = (bookingId: string) => sql`b.id = ${bookingId}`;

export function workflowStatements(event: BookingEvent): SQL[] {
  return statementsFor(event);
}

function statementsFor(event: BookingEvent): SQL[] {
  const seats = event.type === 'booking.attendance_marked' ? event.attendeeIds : event.attendeeId ? [event.attendeeId] : undefined;
  const instant = (trigger: WorkflowTrigger, skipReason = '') =>
    queueStatements({ bookings: one(event.bookingId), triggers: [trigger], seats, now: event.now, skipReason });
  switch (event.type) {
    case 'booking.created':
      return [
        ...queueStatements({ bookings: one(event.bookingId), triggers: TIMED, seats, now: event.now, skipReason: INSIDE_WINDOW_MADE }),
        ...instant('booking_created'),
      ];
    case 'booking.rescheduled':
      return [
        ...moveTimedStatements(event.fromBookingId, event.bookingId, event.now, event.attendeeId),
        // What stays on the old booking (instant messages not yet out, a seat's leftovers) goes nowhere now.
        cancelPendingStatement(event.fromBookingId, 'Not sent: the meeting moved to another time', event.attendeeId),
        // Timed workflows with no message for the new time yet (one already sent before the move included).
        ...queueStatements({ bookings: one(event.bookingId), triggers: TIMED, seats, now: event.now, skipReason: INSIDE_WINDOW_MOVED }),
        ...instant('booking_rescheduled'),
      ];
    case 'booking.cancelled':
      return [
        cancelPendingStatement(event.bookingId, event.attendeeId ? 'Not sent: the booker left this meeting' : 'Not sent: the booking was cancelled', event.attendeeId),
        ...instant('booking_cancelled'),
      ];
    case 'booking.attendance_marked':
      // A group mark with no seat changed queues nothing.
      if (seats && seats.length === 0) return [];
      return instant(event.attendance === 'no_show' ? 'marked_no_show' : 'marked_attended');
  }
}
