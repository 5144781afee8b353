import { beforeAll, describe, expect, it } from 'vitest';
import { env, seed } from '../helpers';
import { getDb } from '../../src/db/client';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import type { SQL } from 'drizzle-orm';
import { attemptsQuery, deliveriesPageQuery, listEndpointsQuery } from '../../src/db/webhooks';
import { bookingDeliveriesQuery, dueDeliveriesQuery, pruneWebhookLog, PRUNE_ATTEMPTS_SQL, PRUNE_DELIVERIES_SQL } from '../../src/webhooks/delivery';
import { webhookStatements } from '../../src/webhooks/effects';
import { timedDeliveriesForPageStatement } from '../../src/webhooks/workflow-action';
import { LOG_RETENTION_MS } from '../../src/webhooks/vocab';

const NOW = new Date('2026-11-23T12:00:00Z');
beforeAll(() => seed(NOW));

async function planOf(text: string, params: unknown[] = []) {
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join('\n');
}
const plan = (q: { toSQL(): { sql: string; params: unknown[] } }) => {
  const { sql, params } = q.toSQL();
  return planOf(sql, params);
};
const planSql = (q: SQL) => {
  const { sql, params } = new SQLiteAsyncDialect().sqlToQuery(q);
  return planOf(sql, params);
};

describe('webhook queries use their indexes', () => {
  const db = () => getDb(env.DB);

  it('the sweep: due deliveries on the due index, their endpoints by primary key, no sort', async () => {
    const steps = await plan(dueDeliveriesQuery(db(), NOW.getTime()));
    expect(steps).toMatch(/SEARCH webhook_deliveries USING INDEX webhook_deliveries_due_idx \(status=\? AND next_attempt_at<\?\)/);
    expect(steps).toMatch(/SEARCH webhook_endpoints USING INDEX sqlite_autoindex_webhook_endpoints_1 \(id=\?\)/);
    expect(steps).not.toMatch(/TEMP B-TREE/);
  });

  it('the immediate send after a change: its deliveries on the booking index', async () => {
    expect(await plan(bookingDeliveriesQuery(db(), ['a', 'b'], NOW.getTime()))).toMatch(/SEARCH webhook_deliveries USING INDEX webhook_deliveries_booking_idx \(booking_id=\?\)/);
  });

  it('an endpoint’s log: keyset page on the endpoint index, newest first without sorting; attempts on theirs', async () => {
    const first = await plan(deliveriesPageQuery(db(), 'ep_x', 25, null));
    expect(first).toMatch(/SEARCH webhook_deliveries USING INDEX webhook_deliveries_endpoint_idx \(endpoint_id=\?\)/);
    expect(first).not.toMatch(/TEMP B-TREE/);
    const next = await plan(deliveriesPageQuery(db(), 'ep_x', 25, { createdAt: NOW.getTime(), id: 'msg_x' }));
    expect(next).toMatch(/USING INDEX webhook_deliveries_endpoint_idx \(endpoint_id=\?/);
    expect(next).not.toMatch(/TEMP B-TREE/);
    expect(await plan(attemptsQuery(db(), ['a', 'b']))).toMatch(/SEARCH webhook_attempts USING INDEX webhook_attempts_delivery_idx \(delivery_id=\?\)/);
  });

  it("a user's own endpoints on the live index", async () => {
    const rep = { id: 3, name: '', email: '', timezone: 'UTC', locale: 'en' as const, teamId: 1, role: 'sales_rep', permissions: { view: 'own' as const, edit: 'own' as const, delete: 'own' as const } };
    expect(await plan(listEndpointsQuery(db(), rep))).toMatch(/SEARCH webhook_endpoints USING INDEX webhook_endpoints_live_idx \(owner_id=\?\)/);
  });

  it("a booking change's statements probe bookings, hosts and workflows by key", async () => {
    await env.DB.prepare(`INSERT INTO webhook_endpoints (id, url, events, secret, created_at, updated_at) VALUES ('ep_plan', 'https://p.test/', '[]', 'whsec_x', 1, 1)`).run();
    for (const event of [
      { type: 'booking.created' as const, bookingId: 'seed-b01', now: 1 },
      { type: 'booking.rescheduled' as const, bookingId: 'seed-b12', fromBookingId: 'seed-b11', previous: { start: 1, end: 2 }, now: 1 },
      { type: 'booking.cancelled' as const, bookingId: 'seed-b01', now: 1 },
    ]) {
      for (const statement of webhookStatements(event)) {
        const steps = await planSql(statement);
        expect(steps).not.toMatch(/SCAN (bookings|booking_hosts|workflows|webhook_deliveries|users)\b/);
        // The organization's endpoints are read whole (each is matched), on the live index; nothing else is scanned.
        expect(steps.replace(/SCAN e USING INDEX webhook_endpoints_live_idx/, '')).not.toMatch(/SCAN \w+ USING/);
      }
    }
  });

  it('applyToExisting for a webhook workflow reads the page’s bookings on their page index', async () => {
    const steps = await planSql(timedDeliveriesForPageStatement(1, NOW.getTime()));
    expect(steps).toMatch(/SEARCH b USING INDEX bookings_page_(status_)?start_idx/);
    expect(steps).not.toMatch(/SCAN b\b/);
  });

  it('the 30-day prune walks the time indexes, and forgets only old, finished rows', async () => {
    expect(await planOf(PRUNE_ATTEMPTS_SQL, [1])).toMatch(/SEARCH webhook_attempts USING (COVERING )?INDEX webhook_attempts_at_idx \(at<\?\)/);
    expect(await planOf(PRUNE_DELIVERIES_SQL, [1])).toMatch(/SEARCH webhook_deliveries USING INDEX webhook_deliveries_created_idx \(created_at<\?\)/);
    const t = NOW.getTime();
    const old = t - LOG_RETENTION_MS - 1;
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO webhook_endpoints (id, url, events, secret, created_at, updated_at) VALUES ('ep_prune', 'https://p.test/', '[]', 'whsec_x', ?1, ?1)`).bind(old),
      ...[
        ['msg_old_done', 'succeeded', old],
        ['msg_old_pending', 'pending', old],
        ['msg_new_done', 'succeeded', t],
      ].map(([id, status, at]) =>
        env.DB.prepare(`INSERT INTO webhook_deliveries (id, endpoint_id, event_type, status, due_at, created_at, updated_at) VALUES (?1, 'ep_prune', 'ping', ?2, ?3, ?3, ?3)`).bind(id, status, at),
      ),
      env.DB.prepare(`INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms) VALUES ('msg_old_done', ?1, 500, 3), ('msg_new_done', ?2, 200, 3)`).bind(old, t),
    ]);
    expect(await pruneWebhookLog(env, t, LOG_RETENTION_MS)).toBe(2);
    const left = await env.DB.prepare(`SELECT id FROM webhook_deliveries WHERE endpoint_id = 'ep_prune' ORDER BY id`).all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual(['msg_new_done', 'msg_old_pending']);
    expect((await env.DB.prepare(`SELECT COUNT(*) n FROM webhook_attempts WHERE delivery_id LIKE 'msg_%_done'`).first<{ n: number }>())!.n).toBe(1);
  });
});
