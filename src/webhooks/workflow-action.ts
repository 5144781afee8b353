/**
 * The workflows' `webhook` action (SPEC 11) sends through this engine: type
 * `workflow.triggered`, data `{booking, workflow:{id,name,trigger,offsetMinutes}, previous?, attendee?}`,
 * to the workflow's endpoint (when it is active and its owner may see the booking).
 * - Event triggers (booking_created, booking_rescheduled, booking_cancelled, marked_no_show,
 *   marked_attended): one delivery per change, sent at once like the events themselves.
 * - Timed triggers (before_start, after_end): one delivery per workflow and occurrence, due at
 *   start − offset or end + offset, sent by the first sweep after that (never before). One already
 *   past due when queued is recorded `skipped`. A cancel cancels the pending ones; a reschedule
 *   moves those never attempted to the new occurrence and time, cancels the rest, and queues the
 *   new occurrence's missing ones — all in the change's batch.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { BookingEvent } from '../services/booking-events';
import { newDeliveryIdSql } from '../db/webhooks';
import { timedDueAt } from '../db/workflows';
import { WORKFLOW_EVENT } from './vocab';
import { changedNow, ownerMaySee } from './conditions';

type Trigger = 'booking_created' | 'booking_rescheduled' | 'booking_cancelled' | 'marked_no_show' | 'marked_attended';

function triggerOf(event: BookingEvent): Trigger {
  switch (event.type) {
    case 'booking.created':
      return 'booking_created';
    case 'booking.rescheduled':
      return 'booking_rescheduled';
    case 'booking.cancelled':
      return 'booking_cancelled';
    case 'booking.attendance_marked':
      return event.attendance === 'no_show' ? 'marked_no_show' : 'marked_attended';
  }
}


const liveWebhookWorkflow = sql.raw(`w.action = 'webhook' AND w.active = 1 AND w.deleted_at IS NULL AND e.active = 1 AND e.deleted_at IS NULL`);

/** The timed deliveries of one occurrence's page workflows that it lacks yet (a seat joining again adds none). */
export function timedDeliveriesStatement(bookingId: string, now: number, workflowId?: number): SQL {
  const one = workflowId === undefined ? sql`` : sql` AND w.id = ${workflowId}`;
  return sql`INSERT INTO webhook_deliveries (id, endpoint_id, event_type, booking_id, workflow_id, timed, status, attempts, due_at, next_attempt_at, reason, created_at, updated_at)
    SELECT ${newDeliveryIdSql}, endpoint_id, ${WORKFLOW_EVENT}, booking_id, workflow_id, 1,
      CASE WHEN due <= ${now} THEN 'skipped' ELSE 'pending' END, 0, due, CASE WHEN due <= ${now} THEN NULL ELSE due END,
      CASE WHEN due <= ${now} THEN 'due before the booking was made' END, ${now}, ${now}
    FROM (SELECT e.id AS endpoint_id, b.id AS booking_id, w.id AS workflow_id, ${timedDueAt} AS due
      FROM bookings b JOIN workflows w ON w.page_id = b.page_id AND w.trigger IN ('before_start', 'after_end')
      JOIN webhook_endpoints e ON e.id = w.webhook_id
      WHERE b.id = ${bookingId} AND b.status = 'confirmed' AND ${liveWebhookWorkflow}${one}
        AND (e.owner_id IS NULL OR ${ownerMaySee(sql`e.owner_id`, sql`b.id`)}))
    WHERE true ON CONFLICT DO NOTHING`;
}

/**
 * For a workflow created or changed with applyToExisting (W-engine): its timed deliveries for
 * the page's upcoming confirmed bookings, one statement.
 */
export function timedDeliveriesForPageStatement(workflowId: number, now: number): SQL {
  return sql`INSERT INTO webhook_deliveries (id, endpoint_id, event_type, booking_id, workflow_id, timed, status, attempts, due_at, next_attempt_at, created_at, updated_at)
    SELECT ${newDeliveryIdSql}, endpoint_id, ${WORKFLOW_EVENT}, booking_id, workflow_id, 1, 'pending', 0, due, due, ${now}, ${now}
    FROM (SELECT e.id AS endpoint_id, b.id AS booking_id, w.id AS workflow_id, ${timedDueAt} AS due
      FROM workflows w JOIN webhook_endpoints e ON e.id = w.webhook_id
      JOIN bookings b ON b.page_id = w.page_id AND b.status = 'confirmed' AND b.start_at > ${now}
      WHERE w.id = ${workflowId} AND w.trigger IN ('before_start', 'after_end') AND ${liveWebhookWorkflow}
        AND (e.owner_id IS NULL OR ${ownerMaySee(sql`e.owner_id`, sql`b.id`)}))
    WHERE due >= ${now} ON CONFLICT DO NOTHING`;
}

/** Cancels an occurrence's pending timed deliveries once it is no longer confirmed (the last seat leaving included). */
const cancelTimed = (bookingId: string, now: number, reason: string) =>
  sql`UPDATE webhook_deliveries SET status = 'cancelled', reason = ${reason}, next_attempt_at = NULL, updated_at = ${now}
    WHERE booking_id = ${bookingId} AND timed = 1 AND status = 'pending'
      AND EXISTS (SELECT 1 FROM bookings xb WHERE xb.id = ${bookingId} AND xb.status <> 'confirmed')`;

/** A reschedule of the whole occurrence: the never-attempted timed deliveries follow it to the new one and its time. */
function moveTimed(fromId: string, toId: string, now: number): SQL[] {
  return [
    sql`UPDATE OR IGNORE webhook_deliveries SET booking_id = ${toId}, updated_at = ${now},
        due_at = (SELECT ${timedDueAt} FROM workflows w, bookings b WHERE w.id = webhook_deliveries.workflow_id AND b.id = ${toId})
      WHERE booking_id = ${fromId} AND timed = 1 AND status = 'pending' AND attempts = 0
        AND EXISTS (SELECT 1 FROM bookings fb WHERE fb.id = ${fromId} AND fb.status = 'rescheduled')
        AND ${changedNow(toId, now)}`,
    // Moved to a time already past due: recorded, not sent.
    sql`UPDATE webhook_deliveries SET
        status = CASE WHEN due_at <= ${now} THEN 'skipped' ELSE 'pending' END,
        reason = CASE WHEN due_at <= ${now} THEN 'due before the booking was moved there' END,
        next_attempt_at = CASE WHEN due_at <= ${now} THEN NULL ELSE due_at END
      WHERE booking_id = ${toId} AND timed = 1 AND status = 'pending' AND attempts = 0 AND updated_at = ${now}`,
  ];
}

export function workflowWebhookStatements(event: BookingEvent, eventId: string, extra: Record<string, unknown> | null): SQL[] {
  const b = event.bookingId;
  const now = event.now;
  const extraJson = extra ? JSON.stringify(extra) : null;
  const triggered = sql`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, booking_id, workflow_id, extra, status, attempts, due_at, next_attempt_at, created_at, updated_at)
    SELECT ${newDeliveryIdSql}, e.id, ${eventId}, ${WORKFLOW_EVENT}, b.id, w.id, ${extraJson}, 'pending', 0, ${now}, ${now}, ${now}, ${now}
    FROM bookings b JOIN workflows w ON w.page_id = b.page_id AND w.trigger = ${triggerOf(event)}
    JOIN webhook_endpoints e ON e.id = w.webhook_id
    WHERE b.id = ${b} AND b.updated_at = ${now} AND ${liveWebhookWorkflow}
      AND (e.owner_id IS NULL OR ${ownerMaySee(sql`e.owner_id`, sql`b.id`)})`;
  switch (event.type) {
    case 'booking.created':
      return [triggered, timedDeliveriesStatement(b, now)];
    case 'booking.rescheduled':
      return [
        triggered,
        ...moveTimed(event.fromBookingId, b, now),
        cancelTimed(event.fromBookingId, now, 'the booking was rescheduled'),
        timedDeliveriesStatement(b, now),
      ];
    case 'booking.cancelled':
      return [triggered, cancelTimed(b, now, 'the booking was cancelled')];
    case 'booking.attendance_marked':
      return [triggered];
  }
}

/** A webhook workflow turned off, deleted or rerouted: its pending deliveries go nowhere. */
export const cancelWorkflowDeliveriesStatement = (workflowId: number, reason: string, now: number) =>
  sql`UPDATE webhook_deliveries SET status = 'cancelled', reason = ${reason}, next_attempt_at = NULL, updated_at = ${now}
    WHERE workflow_id = ${workflowId} AND status = 'pending'`;

/** A timed webhook workflow's new offset: its never-attempted deliveries are due again (already past: skipped). */
export function retimeWorkflowDeliveriesStatements(workflowId: number, now: number): SQL[] {
  return [
    sql`UPDATE webhook_deliveries SET updated_at = ${now},
        due_at = (SELECT ${timedDueAt} FROM workflows w, bookings b WHERE w.id = webhook_deliveries.workflow_id AND b.id = webhook_deliveries.booking_id)
      WHERE workflow_id = ${workflowId} AND timed = 1 AND status = 'pending' AND attempts = 0`,
    sql`UPDATE webhook_deliveries SET
        status = CASE WHEN due_at <= ${now} THEN 'skipped' ELSE 'pending' END,
        reason = CASE WHEN due_at <= ${now} THEN 'the workflow changed to a time already past' END,
        next_attempt_at = CASE WHEN due_at <= ${now} THEN NULL ELSE due_at END
      WHERE workflow_id = ${workflowId} AND timed = 1 AND status = 'pending' AND attempts = 0`,
  ];
}
