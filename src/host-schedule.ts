/**
 * One Durable Object per host serializes every write that claims or releases that host's time.
 * Awaiting D1 inside a DO lets other requests in (input gates only cover storage), so the
 * object serializes on purpose: each call queues behind the previous one. A job touching
 * several hosts takes their locks in ascending user id order — each object holds its lock
 * while it calls the next — so two jobs never wait on each other in a cycle.
 *
 * The object also keeps a view of the meetings its host holds (HeldTime): a booking whose time
 * is already taken is refused at once, without D1 — on arrival when a committed meeting holds
 * it, or at its turn when the reservation ahead of it in the queue took it. It only ever
 * refuses early what D1 would refuse; D1's overlap trigger stays the guard for everything else.
 */
import { DurableObject } from 'cloudflare:workers';
import { isNonProduction, type Bindings } from './env';
import { meteredD1, roundTripsOf } from './db/client';
import { executeReservation, SLOT_TAKEN, type ReservationJob, type ReservationResult } from './services/reservations';
import { HeldTime, VIEW_TTL_MS } from './services/reservations/held-time';
import { stopwatch, type Spans } from './http/server-timing';

/**
 * How a booking's hosts decide an early refusal: `any` (one host, or collective: every host
 * is needed) refuses when this host's time is taken; `all` (round robin: any free host will
 * do) only when every host's is — `takenSoFar` carries the verdict of the hosts before.
 */
export type EarlyCheck = { pageId: number; slot: number; start: number; end: number; need: 'any' | 'all'; takenSoFar: boolean };

/** One object's part of a job: its host, the hosts after it in lock order, the early check. */
export type HostStep = { hostId: number; rest: number[]; early: EarlyCheck | null; viewOf: number[] };

/**
 * What the answer says about D1: round trips the job made, for the request's meter; outside
 * production, where the object's time went (its queue, the job's reads and commit) as spans.
 */
export type StepResult = ReservationResult & { roundTrips?: number; spans?: Spans };

export class HostSchedule extends DurableObject<Bindings> {
  private tail: Promise<unknown> = Promise.resolve();
  /** In memory only: a new instance (reset, eviction, deploy) starts with no view and rebuilds it from D1. */
  private readonly held = new HeldTime();
  /**
   * Starts D1 found to be slots of their page (booked, or refused only as taken): the object
   * refuses early only a start it knows is a slot, so a start that never was one still gets
   * its 400 from the engine. Kept as long as the view (HeldTime's VIEW_TTL_MS).
   */
  private readonly knownSlots = new Map<string, number>();

  /** Never throws: a rejected RPC would leak, so failures come back as a result. */
  async runExclusive(job: ReservationJob, step: HostStep): Promise<StepResult> {
    const refused = this.refuseEarly(step);
    if (refused) return refused;
    const watch = stopwatch(isNonProduction(this.env) && step.rest.length === 0);
    const run = async (): Promise<StepResult> => {
      watch.lap('queue');
      // The reservation ahead in the queue may have taken this time meanwhile.
      const refusedNow = this.refuseEarly(step);
      if (refusedNow) return { ...refusedNow, spans: watch.spans() };
      const viewOf = job.kind === 'book' && !this.held.covers(viewWindow(job)) ? [...step.viewOf, step.hostId] : step.viewOf;
      const taken = !!step.early && this.isKnownSlot(step.early) && this.held.covers(step.early) && this.held.overlaps(step.early);
      const early = step.early && { ...step.early, takenSoFar: step.early.takenSoFar && taken };
      const result = step.rest.length === 0 ? await this.execute(job, viewOf, watch.lap) : await callHost(this.env, job, { hostId: step.rest[0], rest: step.rest.slice(1), early, viewOf });
      this.learn(step.hostId, result);
      if (step.early && (result.ok || result.code === 'already_booked')) this.knownSlots.set(`${step.early.pageId}:${step.early.slot}`, Date.now());
      return step.rest.length === 0 ? { ...result, spans: watch.spans() } : result;
    };
    const result = this.tail.then(run, run);
    this.tail = result;
    return result;
  }

  /** Dev/test only (routes/dev-host-schedule.ts): what the object holds over a window, if it knows it. */
  async heldBetween(window: { start: number; end: number }) {
    return { covered: this.held.covers(window), held: this.held.between(window) };
  }

  /** Dev/test only: the object resets as on a deploy or eviction (its view goes with it). */
  async reset() {
    this.ctx.abort('reset');
  }

  /** Answers `already_booked` when the held meetings decide it; null: ask D1 (or the next host). */
  private refuseEarly(step: HostStep): StepResult | null {
    const early = step.early;
    if (!early || !this.isKnownSlot(early) || !this.held.covers(early) || !this.held.overlaps(early)) return null;
    if (early.need === 'any' || (early.takenSoFar && step.rest.length === 0)) return { ...SLOT_TAKEN(), roundTrips: 0 };
    return null;
  }

  private isKnownSlot(early: EarlyCheck) {
    const at = this.knownSlots.get(`${early.pageId}:${early.slot}`);
    if (at !== undefined && Date.now() - at < VIEW_TTL_MS) return true;
    if (this.knownSlots.size > 10_000) this.knownSlots.clear();
    return false;
  }

  private async execute(job: ReservationJob, viewOf: number[], lap?: (span: string) => void): Promise<StepResult> {
    // Reads and the write at the primary, in one session: its bookmark goes back to the booker,
    // whose next read (through a replica) then sees this write.
    const env = { ...this.env, DB: meteredD1(this.env).withSession('first-primary') as unknown as D1Database };
    try {
      const result = await executeReservation(env, job, { viewOf, lap });
      const bookmark = result.ok ? (env.DB as unknown as D1DatabaseSession).getBookmark() : undefined;
      return { ...result, ...(bookmark ? { bookmark } : {}), roundTrips: roundTripsOf(env.DB) };
    } catch (error) {
      console.error('host schedule failed', error);
      return { ok: false, code: 'internal', message: 'Could not save the booking, try again', roundTrips: roundTripsOf(env.DB) };
    }
  }

  /**
   * Keeps the view in step with what the job did to this host's time. When the outcome is
   * unknown (the next object went away, an internal error: the batch may or may not have
   * committed) the view is dropped and rebuilt from D1 by the next booking.
   */
  private learn(hostId: number, result: StepResult) {
    if (!result.ok && ((result.code === 'unavailable' && !result.pageChanged && !result.rateLimited) || result.code === 'internal')) return this.held.forget();
    if (!result.ok && result.pageChanged) this.knownSlots.clear();
    if (result.views?.hostIds.includes(hostId)) this.held.load(result.views.window, result.views.held.filter((h) => h.hostId === hostId));
    if (result.ok && result.claims) this.held.apply(result.claims.released, result.claims.added.filter((h) => h.hostId === hostId));
  }
}

const DAY = 86_400_000;
/** The window a booking's read batch loads into the view (book.ts reads the same one). */
const viewWindow = (job: Extract<ReservationJob, { kind: 'book' }>) => ({ start: job.start - 2 * DAY, end: job.start + 2 * DAY });

export const hostSchedule = (env: Pick<Bindings, 'HOST_SCHEDULE'>, hostId: number) =>
  env.HOST_SCHEDULE.get(env.HOST_SCHEDULE.idFromName(`host:${hostId}`));

/**
 * runExclusive never throws, so a rejected call means the object itself went away (a reset or
 * deploy mid-call, an overloaded object): the caller gets a retryable 503, not a 500.
 */
async function callHost(env: Pick<Bindings, 'HOST_SCHEDULE'>, job: ReservationJob, step: HostStep): Promise<StepResult> {
  try {
    return (await hostSchedule(env, step.hostId).runExclusive(job, step)) as StepResult;
  } catch (error) {
    console.error('host schedule unavailable', error);
    return { ok: false, code: 'unavailable', message: 'The booking service is busy for a moment, try again' };
  }
}

/**
 * Runs a job under the locks of every host it touches. `early`: the booking's time and how its
 * hosts decide (see EarlyCheck), for a job whose taken time the objects may refuse at once.
 */
export async function runUnderHostLocks(
  env: Bindings,
  job: ReservationJob,
  hostIds: number[],
  early?: Omit<EarlyCheck, 'takenSoFar'>,
): Promise<StepResult> {
  const ordered = [...new Set(hostIds)].sort((a, b) => a - b);
  if (ordered.length === 0) return executeReservation(env, job);
  const [first, ...rest] = ordered;
  return callHost(env, job, { hostId: first, rest, early: early ? { ...early, takenSoFar: true } : null, viewOf: [] });
}
