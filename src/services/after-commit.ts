import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { deliverDueOfBooking, deliverOutbox } from '../email/delivery';
import { syncCalendars } from '../calendar/sync';
import { deliverForBookings } from '../webhooks/delivery';
import type { ReservationSuccess } from './reservations';

/** What a committed change leaves to send: its emails, its bookings' workflow messages and webhook deliveries, calendar updates. */
export type Committed = Pick<ReservationSuccess, 'bookingId' | 'outboxIds' | 'calendar'> & { bookingIds?: string[] };

/**
 * After a change commits: send its emails and update the calendar, without holding up the
 * response. Whatever does not finish here is picked up by the cron's outbox sweep.
 */
export function afterCommit(c: Context<AppEnv>, result: Committed) {
  const now = c.get('now').getTime();
  // A bulk action names every booking it changed; one after another, so the provider is not flooded.
  const bookingIds = [...new Set([result.bookingId, ...(result.bookingIds ?? [])].filter(Boolean))];
  const sends = () => Promise.allSettled([
    deliverOutbox(c.env, result.outboxIds, now),
    // Instant workflow messages the change queued (timed ones wait for the sweep after they are due).
    (async () => {
      for (const id of bookingIds) await deliverDueOfBooking(c.env, id, now);
    })(),
    // The change's webhook deliveries (SPEC 12); timed workflow ones wait for their time.
    deliverForBookings(c.env, bookingIds, now),
    syncCalendars(c.env, result.calendar ?? []),
  ]);
  // From a later turn of the event loop: the answer is on its way before the first send's D1
  // call is made (under wrangler dev, local D1 works on this thread and held the answer back).
  const task = new Promise((r) => setTimeout(r, 0))
    .then(sends)
    .then((outcomes) => {
      for (const o of outcomes) if (o.status === 'rejected') console.error('after commit', o.reason);
    });
  try {
    c.executionCtx.waitUntil(task);
  } catch {
    // No execution context (app.request in a unit test): the promise still runs.
  }
}
