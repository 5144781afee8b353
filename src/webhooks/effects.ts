/**
 * Webhook deliveries for a booking change (SPEC 12), appended to the change's own batch
 * (invariant 3): plain INSERT … SELECT over what the batch has just written, no round trip
 * before it. One delivery per active endpoint subscribed to the event whose owner may see the
 * booking (an organization endpoint sees every booking; a personal one the bookings in its
 * owner's view scope, read from their role at this moment), plus the workflows' `webhook`
 * actions (workflow-action.ts). A failed batch writes none of it.
 *
 * Group seats: a seat taken is `booking.created` for its occurrence, a seat leaving is
 * `booking.cancelled` for it (the occurrence stays `confirmed` unless it was the last seat), a
 * seat moving is `booking.rescheduled` for the occurrence it joins, with `previous` the old time;
 * each names the seat in `data.attendee`. A group's attendance mark lists the seats it changed
 * in `data.attendeeIds`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { BookingEvent } from '../services/booking-events';
import { newDeliveryIdSql } from '../db/webhooks';
import { iso } from '../domain/time';
import { workflowWebhookStatements } from './workflow-action';
import { changedNow, ownerMaySee } from './conditions';

/** What a delivery keeps of its event besides the booking: the old time, the seat concerned. */
function extraOf(event: BookingEvent): Record<string, unknown> | null {
  const extra: Record<string, unknown> = {};
  if (event.type === 'booking.rescheduled') extra.previous = { bookingId: event.fromBookingId, start: iso(event.previous.start), end: iso(event.previous.end) };
  if ('attendeeId' in event && event.attendeeId) extra.attendeeId = event.attendeeId;
  if (event.type === 'booking.attendance_marked') {
    extra.attendance = event.attendance;
    if (event.attendeeIds) extra.attendeeIds = event.attendeeIds;
  }
  return Object.keys(extra).length ? extra : null;
}

export function webhookStatements(event: BookingEvent): SQL[] {
  // Names this change: the unique index (event, endpoint, workflow) rules out a second copy.
  const eventId = crypto.randomUUID();
  const extra = extraOf(event);
  const extraJson = extra ? JSON.stringify(extra) : null;
  const b = event.bookingId;
  const endpoints = sql`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, booking_id, extra, status, attempts, due_at, next_attempt_at, created_at, updated_at)
    SELECT ${newDeliveryIdSql}, e.id, ${eventId}, ${event.type}, ${b}, ${extraJson}, 'pending', 0, ${event.now}, ${event.now}, ${event.now}, ${event.now}
    FROM webhook_endpoints e
    WHERE e.deleted_at IS NULL AND e.active = 1
      AND EXISTS (SELECT 1 FROM json_each(e.events) ev WHERE ev.value = ${event.type})
      AND (e.owner_id IS NULL OR ${ownerMaySee(sql`e.owner_id`, b)})
      AND ${changedNow(b, event.now)}`;
  return [endpoints, ...workflowWebhookStatements(event, eventId, extra)];
}
