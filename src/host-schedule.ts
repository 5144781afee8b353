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
      try {
        if (remainingHostIds.length === 0) return await executeReservation(this.env, job);
        const [next, ...rest] = remainingHostIds;
        return await hostSchedule(this.env, next).runExclusive(job, rest);
      } catch (error) {
        console.error('host schedule failed', error);
        return { ok: false, code: 'internal', message: 'Could not save the booking, try again' };
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result;
    return result;
  }
}

export const hostSchedule = (env: Pick<Bindings, 'HOST_SCHEDULE'>, hostId: number) =>
  env.HOST_SCHEDULE.get(env.HOST_SCHEDULE.idFromName(`host:${hostId}`));

/** Runs a job under the locks of every host it touches. */
export function runUnderHostLocks(env: Bindings, job: ReservationJob, hostIds: number[]): Promise<ReservationResult> {
  const ordered = [...new Set(hostIds)].sort((a, b) => a - b);
  if (ordered.length === 0) return executeReservation(env, job);
  const [first, ...rest] = ordered;
  return hostSchedule(env, first).runExclusive(job, rest) as Promise<ReservationResult>;
}
