/** Webhook vocabulary (SPEC 12): what an endpoint subscribes to, and how a delivery stands. */

/** The events an endpoint can subscribe to; `ping` (the test route) and workflows' deliveries need no subscription. */
export const WEBHOOK_EVENTS = ['booking.created', 'booking.rescheduled', 'booking.cancelled', 'booking.attendance_marked'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A workflow's `webhook` action (SPEC 11) sends this type, whatever its trigger. */
export const WORKFLOW_EVENT = 'workflow.triggered';
export type DeliveryEventType = WebhookEvent | 'ping' | typeof WORKFLOW_EVENT;

/** skipped: a timed workflow delivery already past due when it was queued; cancelled: its booking was cancelled, or the endpoint went away. */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Delay before each retry after the first attempt (SPEC 12): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
export const RETRY_DELAYS_MS = [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 504e5, 72e6, 864e5] as const;
/** The first attempt and every retry. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** After a rotation the old secret keeps signing this long. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** Attempts (and finished deliveries) are kept this long. */
export const LOG_RETENTION_MS = 30 * 86_400_000;
