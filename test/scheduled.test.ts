import { beforeAll, describe, expect, it } from 'vitest';
import { env, seed } from './helpers';
import { runScheduledSweeps } from '../src/scheduled';

const NOW = new Date('2026-11-23T12:00:00Z');

beforeAll(() => seed(NOW));

/** D1 whose first batch fails (the briefing sweep's claim), everything else untouched. */
function d1FailingFirstBatch(db: D1Database): D1Database {
  let failed = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'batch' && !failed) {
        failed = true;
        return async () => {
          throw new Error('D1_ERROR: simulated outage');
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('the cron run', () => {
  it('a failing briefing sweep does not hold back the outbox: the retry still goes out, and the run says what failed', async () => {
    const id = crypto.randomUUID();
    await env.DB.prepare(
      `INSERT INTO email_outbox (id, booking_id, kind, to_address, subject, html, text_body, status, attempts, next_attempt_at, created_at)
       VALUES (?, NULL, 'booking_host_notification', 'rep1@example.com', 'New booking', '<p>hi</p>', 'hi', 'pending', 0, ?, ?)`,
    ).bind(id, NOW.getTime(), NOW.getTime()).run();
    const stats = await runScheduledSweeps({ ...env, DB: d1FailingFirstBatch(env.DB) }, NOW);
    expect(stats.failed).toEqual(['briefings']);
    expect(stats.outboxAttempted).toBeGreaterThanOrEqual(1);
    const row = await env.DB.prepare('SELECT status FROM email_outbox WHERE id = ?').bind(id).first<{ status: string }>();
    expect(row!.status).toBe('sent');
  });

  it('a healthy run reports no failures', async () => {
    expect((await runScheduledSweeps(env, NOW)).failed).toEqual([]);
  });
});
