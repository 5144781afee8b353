/**
 * What the 5-minute Cron Trigger does, in order: queue the briefings that are due, deliver the
 * outbox (those briefings included, then retries), and forget expired sessions.
 */
import type { Bindings } from './env';
import { sweepBriefings } from './briefing/sweep';
import { sweepOutbox } from './email/delivery';
import { pruneExpiredSessions } from './http/session';

export async function runScheduledSweeps(env: Bindings, now: Date) {
  let started = performance.now();
  const briefed = await sweepBriefings(env, now.getTime());
  const briefingMs = performance.now() - started;
  started = performance.now();
  const outboxAttempted = await sweepOutbox(env, now.getTime());
  const outboxMs = performance.now() - started;
  const sessionsPruned = await pruneExpiredSessions(env);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  // One structured line per run: what the sweep did and how long each part took.
  const stats = { event: 'scheduled_sweep', briefed, briefingMs: round(briefingMs), outboxAttempted, outboxMs: round(outboxMs), sessionsPruned };
  console.log(JSON.stringify(stats));
  return stats;
}
