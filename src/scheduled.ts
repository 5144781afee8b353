/**
 * What the 5-minute Cron Trigger does, in order: queue the briefings that are due, deliver the
 * outbox (those briefings included, then retries), and forget expired sessions. Each step runs
 * even when an earlier one failed — a briefing query that breaks must not hold back the retry
 * of a booker's confirmation — and the run reports every failure at the end.
 */
import type { Bindings } from './env';
import { sweepBriefings } from './briefing/sweep';
import { sweepOutbox } from './email/delivery';
import { pruneExpiredSessions } from './http/session';
import { pruneWebhookLog, sweepWebhooks } from './webhooks/delivery';
import { LOG_RETENTION_MS } from './webhooks/vocab';

const round = (ms: number) => Math.round(ms * 10) / 10;

export async function runScheduledSweeps(env: Bindings, now: Date) {
  const failed: string[] = [];
  async function step<T>(name: string, run: () => Promise<T>, fallback: T): Promise<{ value: T; ms: number }> {
    const started = performance.now();
    try {
      return { value: await run(), ms: performance.now() - started };
    } catch (error) {
      console.error(JSON.stringify({ event: 'scheduled_step_failed', step: name, error: String((error as Error)?.message ?? error) }));
      failed.push(name);
      return { value: fallback, ms: performance.now() - started };
    }
  }
  const briefing = await step('briefings', () => sweepBriefings(env, now.getTime()), 0);
  const outboxTimings = { claimMs: 0, composeMs: 0, recordMs: 0 };
  const outbox = await step('outbox', () => sweepOutbox(env, now.getTime(), outboxTimings), 0);
  const sessions = await step('sessions', () => pruneExpiredSessions(env), 0);
  // Webhook retries and due timed deliveries, then the 30-day prune of their log.
  const webhooks = await step('webhooks', () => sweepWebhooks(env, now.getTime()), 0);
  const webhookLog = await step('webhookLog', () => pruneWebhookLog(env, now.getTime(), LOG_RETENTION_MS), 0);
  // One structured line per run: what the sweep did and how long each part took.
  const stats = {
    event: 'scheduled_sweep',
    briefed: briefing.value,
    briefingMs: round(briefing.ms),
    outboxAttempted: outbox.value,
    outboxMs: round(outbox.ms),
    // of which: finding and claiming the due rows (one statement), composing the queued ones, recording the outcomes
    outboxClaimMs: round(outboxTimings.claimMs),
    outboxComposeMs: round(outboxTimings.composeMs),
    outboxRecordMs: round(outboxTimings.recordMs),
    sessionsPruned: sessions.value,
    webhooksAttempted: webhooks.value,
    webhooksMs: round(webhooks.ms),
    webhookLogPruned: webhookLog.value,
    failed,
  };
  console.log(JSON.stringify(stats));
  return stats;
}
