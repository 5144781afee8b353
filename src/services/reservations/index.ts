/**
 * Every write that claims or releases a host's time: book, reschedule, cancel, a group seat
 * leaving or moving. Each runs inside the Durable Objects of the hosts it touches (see
 * host-schedule.ts), re-reads D1, re-checks the slot with the engine and commits one batch:
 * the state change, the claims (guarded by the overlap trigger), the CRM link and the outbox
 * emails together.
 */
import type { Bindings } from '../../env';
import { getDb } from '../../db/client';
import { fail, type ReservationJob, type ReservationResult } from './types';
import { book, type BookOptions } from './book';
import { reschedule } from './reschedule';
import { cancel } from './cancel';
import { leaveSeat, moveSeat } from './seats';

export * from './types';
export { manageUrlFor, meetingUrlFor } from './emails';

/** Runs a job against D1. Called by the last Durable Object in the host chain. */
export async function executeReservation(env: Bindings, job: ReservationJob, opts: BookOptions = {}): Promise<ReservationResult> {
  const db = getDb(env.DB);
  try {
    switch (job.kind) {
      case 'book':
        return await book(env, db, job, opts);
      case 'reschedule':
        return await reschedule(env, db, job);
      case 'cancel':
        return await cancel(db, job);
      case 'leave_seat':
        return await leaveSeat(db, job);
      case 'move_seat':
        return await moveSeat(env, db, job);
    }
  } catch (error) {
    console.error('reservation failed', error);
    return fail('internal', 'Could not save the booking, try again');
  }
}
