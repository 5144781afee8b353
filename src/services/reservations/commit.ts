/** The one batch every reservation commits, and how D1's guards come back from it. */
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { queueEmail, type OutboxEmail } from '../../email/outbox';
import { rawBatchItem } from '../../db/batch';
import { bookingEventStatements, type BookingEvent } from '../booking-events';
import { fail, SLOT_TAKEN, type ReservationFailure } from './types';

export type Statements = BatchItem<'sqlite'>[];

/** Maps the D1 guards (overlap trigger, capacity CHECK, status trigger) to results. */
export function constraintFailure(error: unknown): ReservationFailure | null {
  const message = String((error as Error)?.message ?? error);
  if (message.includes('already_booked') || message.includes('bookings_capacity_check')) return SLOT_TAKEN();
  if (message.includes('invalid_state')) return fail('invalid_state', 'This booking has changed; reload and try again');
  return null;
}

/** The change's workflow messages and webhook deliveries, appended to its batch (invariant 3). */
export const eventStatements = (db: Db, event: BookingEvent): Statements => bookingEventStatements(event).map((q) => rawBatchItem(db, q));

/** Commits the statements in one batch; a D1 guard's refusal comes back as the failure. */
export async function commit(db: Db, statements: Statements): Promise<ReservationFailure | null> {
  const done = await commitReading(db, statements);
  return 'ok' in done ? done : null;
}

/**
 * Like commit, with `reads` run last in the same batch: they see what the batch wrote and their
 * rows come back, so the answer costs no round trip of its own. (Plain single-table selects:
 * a join's same-named columns collide in a batch's row objects.)
 */
export async function commitReading(db: Db, statements: Statements, reads: Statements = []): Promise<ReservationFailure | { rows: unknown[] }> {
  try {
    const results = await db.batch([...statements, ...reads] as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
    return { rows: results.slice(statements.length) };
  } catch (error) {
    const failure = constraintFailure(error);
    if (failure) return failure;
    throw error;
  }
}

/** Adds each email's outbox insert to the change's batch (one commit) and returns their ids for the send after it. */
export function queueInto(db: Db, statements: Statements, emails: OutboxEmail[], now: number): string[] {
  return emails.map((e) => {
    const q = queueEmail(db, e, now);
    statements.push(q.statement);
    return q.id;
  });
}
