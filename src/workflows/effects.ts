/**
 * What a booking change does to workflow messages (SPEC 11). The statements run at the end of
 * the change's own batch and read what it wrote, so a message exists exactly when its change
 * does (invariant 3). Webhook actions are not ours: webhooks/effects.ts queues those.
 */
import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { BookingEvent } from '../services/booking-events';
import type { WorkflowTrigger } from '../domain/workflows';
import { cancelPendingStatement, moveTimedStatements, neverAttempted, queueStatements } from '../db/workflows';

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
    case 'booking.attendance_marked': {
      // A group mark with no seat changed queues nothing.
      if (seats && seats.length === 0) return [];
      const [trigger, opposite] = event.attendance === 'no_show' ? (['marked_no_show', 'marked_attended'] as const) : (['marked_attended', 'marked_no_show'] as const);
      // Only a mark that holds after this batch (a racing request may have marked otherwise) queues its message.
      const holds = seats
        ? sql`EXISTS (SELECT 1 FROM booking_attendees ma WHERE ma.booking_id = b.id AND ma.attendance = ${event.attendance} AND ma.id IN (SELECT value FROM json_each(${JSON.stringify(seats)})))`
        : sql`b.attendance = ${event.attendance}`;
      const seatOnly = seats ? sql`AND (attendee_id IS NULL OR attendee_id IN (SELECT value FROM json_each(${JSON.stringify(seats)})))` : sql``;
      return [
        // The mark changed its mind: what the other mark queued and has not yet sent goes nowhere.
        sql`UPDATE email_outbox SET status = 'cancelled', last_error = 'Not sent: the attendance mark changed'
          WHERE booking_id = ${event.bookingId} AND status = 'pending' AND ${neverAttempted}
            AND workflow_id IN (SELECT id FROM workflows WHERE "trigger" = ${opposite}) ${seatOnly}`,
        ...queueStatements({ bookings: sql`b.id = ${event.bookingId} AND ${holds}`, triggers: [trigger], seats, now: event.now, skipReason: '' }),
      ];
    }
  }
}
