/**
 * One Durable Object per host serializes every write that claims or releases that host's time.
 * Awaiting D1 inside a DO lets other requests in (input gates only cover storage), so the
 * object serializes on purpose: each call queues behind the previous one. A job touching
 * several hosts takes their locks in ascending user id order — each object holds its lock
 * while it calls the next — so two jobs never wait on each other in a cycle. D1's overlap
 * trigger stays the backstop if anything ever slips past.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from './env';
import { executeReservation, type ReservationJob, type ReservationResult } from './services/reservations';

export class HostSchedule extends DurableObject<Bindings> {
  private tail: Promise<unknown> = Promise.resolve();

  /** Never throws: a rejected RPC would leak, so failures come back as a result. */
  async runExclusive(job: ReservationJob, remainingHostIds: number[]): Promise<ReservationResult> {
    const run = async (): Promise<ReservationResult> => {
      if (remainingHostIds.length === 0) {
        try {
          return await executeReservation(this.env, job);
        } catch (error) {
          console.error('host schedule failed', error);
          return { ok: false, code: 'internal', message: 'Could not save the booking, try again' };
        }
      }
      const [next, ...rest] = remainingHostIds;
      return callHost(this.env, next, job, rest);
    };
    const result = this.tail.then(run, run);
    this.tail = result;
    return result;
  }
}

export const hostSchedule = (env: Pick<Bindings, 'HOST_SCHEDULE'>, hostId: number) =>
  env.HOST_SCHEDULE.get(env.HOST_SCHEDULE.idFromName(`host:${hostId}`));

/**
 * runExclusive never throws, so a rejected call means the object itself went away (a reset or
 * deploy mid-call, an overloaded object): the caller gets a retryable 503, not a 500.
 */
async function callHost(env: Pick<Bindings, 'HOST_SCHEDULE'>, hostId: number, job: ReservationJob, rest: number[]): Promise<ReservationResult> {
  try {
    return (await hostSchedule(env, hostId).runExclusive(job, rest)) as ReservationResult;
  } catch (error) {
    console.error('host schedule unavailable', error);
    return { ok: false, code: 'unavailable', message: 'The booking service is busy for a moment, try again' };
  }
}

/** Runs a job under the locks of every host it touches. */
export function runUnderHostLocks(env: Bindings, job: ReservationJob, hostIds: number[]): Promise<ReservationResult> {
  const ordered = [...new Set(hostIds)].sort((a, b) => a - b);
  if (ordered.length === 0) return executeReservation(env, job);
  const [first, ...rest] = ordered;
  return callHost(env, first, job, rest);
}
