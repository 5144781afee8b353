/**
 * applyToExisting for a workflow whose action is `webhook` (SPEC 11/12): saving it queues its
 * timed deliveries for the page's upcoming bookings in the save's batch, due exactly at
 * start − offset, and the sweep sends them then (never before).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login } from '../helpers';
import { seed } from '../helpers';
import { sweepWebhooks } from '../../src/webhooks/delivery';
import { createEndpoint, receiver, verify } from '../webhooks/receiver';
import { NOW, book, createPage } from './helpers';

const HOUR = 3_600_000;
let page: { id: number; slug: string };
let endpoint: { id: string; secret: string };
const starts = ['2026-12-10T18:30:00Z', '2026-12-10T19:30:00Z', '2026-12-11T18:30:00Z'];
const ids: string[] = [];

beforeAll(async () => {
  await seed(new Date(NOW));
  page = await createPage('wf-apply-hook');
  const e = await createEndpoint('admin@example.com', { url: 'https://apply.test/h', events: ['booking.cancelled'], organization: true }, NOW);
  endpoint = { id: e.webhook.id, secret: e.secret };
  for (const start of starts) ids.push((await book(page.slug, start)).id);
  // A past booking of the page gets nothing.
  await env.DB.prepare(`UPDATE bookings SET start_at = start_at - 30 * 86400000, end_at = end_at - 30 * 86400000 WHERE id = ?`).bind(ids[2]).run();
});

let fake: ReturnType<typeof receiver> | undefined;
afterEach(() => fake?.restore());

const timedOf = async (workflowId: number) =>
  (
    await env.DB.prepare(`SELECT id, booking_id, status, due_at, next_attempt_at FROM webhook_deliveries WHERE workflow_id = ? ORDER BY due_at`)
      .bind(workflowId)
      .all<{ id: string; booking_id: string; status: string; due_at: number; next_attempt_at: number }>()
  ).results;

const save = async (path: string, body: Record<string, unknown>, method = 'POST') => {
  const res = await call(path, { method, token: await login('admin@example.com'), now: NOW, body });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await json(res)).workflow as { id: number };
};

describe('applyToExisting with the webhook action', () => {
  it('a new workflow saved with applyToExisting queues a timed delivery per upcoming booking, sent at its due time', async () => {
    const w = await save(`/api/scheduling-pages/${page.id}/workflows`, {
      name: 'CRM an hour before', trigger: 'before_start', offsetMinutes: 60, action: 'webhook', webhookId: endpoint.id, applyToExisting: true,
    });
    const rows = await timedOf(w.id);
    expect(rows.map((r) => [r.booking_id, r.status, r.due_at, r.next_attempt_at])).toEqual(
      starts.slice(0, 2).map((s, i) => [ids[i], 'pending', Date.parse(s) - HOUR, Date.parse(s) - HOUR]),
    );
    fake = receiver('https://apply.test');
    await sweepWebhooks(env, Date.parse(starts[0]) - HOUR - 60_000);
    expect(fake.calls).toHaveLength(0);
    await sweepWebhooks(env, Date.parse(starts[0]) - HOUR);
    expect(fake.calls.map((c) => c.headers['webhook-id'])).toEqual([rows[0].id]);
    expect(verify(endpoint.secret, fake.calls[0])).toMatchObject({ type: 'workflow.triggered', data: { booking: { id: ids[0] }, workflow: { id: w.id, trigger: 'before_start', offsetMinutes: 60 } } });
  });

  it('turning a workflow on with applyToExisting queues them too; saving again adds none twice', async () => {
    const w = await save(`/api/scheduling-pages/${page.id}/workflows`, {
      name: 'CRM a day after', trigger: 'after_end', offsetMinutes: 1440, action: 'webhook', webhookId: endpoint.id, active: false,
    });
    expect(await timedOf(w.id)).toEqual([]);
    await save(`/api/workflows/${w.id}`, { active: true, applyToExisting: true }, 'PATCH');
    await save(`/api/workflows/${w.id}`, { name: 'CRM the day after', applyToExisting: true }, 'PATCH');
    const rows = await timedOf(w.id);
    expect(rows.map((r) => [r.booking_id, r.status, r.due_at])).toEqual(starts.slice(0, 2).map((s, i) => [ids[i], 'pending', Date.parse(s) + 30 * 60_000 + 24 * HOUR]));
  });

  it('without applyToExisting, bookings already made get nothing', async () => {
    const w = await save(`/api/scheduling-pages/${page.id}/workflows`, { name: 'Only new ones', trigger: 'before_start', offsetMinutes: 30, action: 'webhook', webhookId: endpoint.id });
    expect(await timedOf(w.id)).toEqual([]);
  });
});
