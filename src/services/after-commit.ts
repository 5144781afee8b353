import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { deliverDueOfBooking, deliverOutbox } from '../email/delivery';
import { syncCalendars } from '../calendar/sync';
import { deliverForBookings } from '../webhooks/delivery';
import type { ReservationResult } from './reservations';

/**
 * After a change commits: send its emails and update the calendar, without holding up the
 * response. Whatever does not finish here is picked up by the cron's outbox sweep.
 */
export function afterCommit(c: Context<AppEnv>, result: Extract<ReservationResult, { ok: true }>) {
  const task = Promise.allSettled([
    deliverOutbox(c.env, result.outboxIds, c.get('now').getTime()),
    // Instant workflow messages the change queued (timed ones wait for the sweep after they are due).
    deliverDueOfBooking(c.env, result.bookingId, c.get('now').getTime()),
    // The change's webhook deliveries (SPEC 12); timed workflow ones wait for their time.
    deliverForBookings(c.env, [result.bookingId], c.get('now').getTime()),
    syncCalendars(c.env, result.calendar ?? []),
  ]).then((outcomes) => {
    for (const o of outcomes) if (o.status === 'rejected') console.error('after commit', o.reason);
  });
  try {
    c.executionCtx.waitUntil(task);
  } catch {
    // No execution context (app.request in a unit test): the promise still runs.
  }
}
