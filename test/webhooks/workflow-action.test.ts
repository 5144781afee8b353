import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { sweepWebhooks } from '../../src/webhooks/delivery';
import { createEndpoint, deliveriesOf, receiver, untilCalls, verify } from './receiver';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();
const HOUR = 3_600_000;

let endpoint: { id: string; secret: string };
let reminder = 0;
let onCreate = 0;

async function workflow(trigger: string, offset: number | null, name: string) {
  const row = await env.DB.prepare(
    `INSERT INTO workflows (page_id, name, trigger, offset_minutes, action, webhook_id, active, created_at, updated_at)
     VALUES (2, ?, ?, ?, 'webhook', ?, 1, ?, ?) RETURNING id`,
  ).bind(name, trigger, offset, endpoint.id, NOW.getTime(), NOW.getTime()).first<{ id: number }>();
  return row!.id;
}

beforeAll(async () => {
  await seed(NOW);
  // An endpoint subscribed to no booking event: everything it gets comes from the workflows.
  const e = await createEndpoint('rep2@example.com', { url: 'https://flow.test/h', events: ['booking.attendance_marked'] }, now);
  endpoint = { id: e.webhook.id, secret: e.secret };
  reminder = await workflow('before_start', 60, 'Ping CRM an hour before');
  onCreate = await workflow('booking_created', null, 'Tell Zapier');
});

let fake: ReturnType<typeof receiver> | undefined;
afterEach(() => fake?.restore());

async function book(start: string, at = now) {
  const res = await call('/api/public/pages/rosa-demo/bookings', { body: { start, name: 'Flow Booker', email: `flow${Date.parse(start)}@example.org` }, now: at });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).booking.id as string;
}
const mine = async (bookingId: string) => (await deliveriesOf(endpoint.id)).filter((d) => d.booking_id === bookingId);

describe("workflows' webhook action goes through the webhooks engine (SPEC 11/12)", () => {
  it('an event trigger sends at once; a before_start one waits for its due time and is never sent before', async () => {
    fake = receiver('https://flow.test');
    const start = Date.parse('2027-01-15T14:00:00Z');
    const id = await book(new Date(start).toISOString());
    await untilCalls(fake.calls, 1);
    expect(fake.calls).toHaveLength(1);
    const instant = verify(endpoint.secret, fake.calls[0]) as any;
    expect(instant).toMatchObject({ type: 'workflow.triggered', timestamp: now, data: { booking: { id }, workflow: { id: onCreate, name: 'Tell Zapier', trigger: 'booking_created', offsetMinutes: null } } });
    const timed = (await mine(id)).find((d) => d.workflow_id === reminder)!;
    expect(timed).toMatchObject({ status: 'pending', due_at: start - HOUR, next_attempt_at: start - HOUR, attempts: 0 });
    await sweepWebhooks(env, start - HOUR - 1);
    expect(fake.calls).toHaveLength(1);
    await sweepWebhooks(env, start - HOUR + 60_000);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1].headers['webhook-id']).toBe(timed.id);
    expect(verify(endpoint.secret, fake.calls[1])).toMatchObject({
      type: 'workflow.triggered',
      timestamp: new Date(start - HOUR).toISOString(),
      data: { booking: { id, status: 'confirmed' }, workflow: { id: reminder, trigger: 'before_start', offsetMinutes: 60 } },
    });
  });

  it('a timed delivery whose first attempt (the sweep\'s) fails is retried 5 s later by that same sweep (SPEC 12), not the next one', { timeout: 30_000 }, async () => {
    fake = receiver('https://flow.test', [{ status: 200 }, { status: 503 }, { status: 200 }]);
    const start = Date.parse('2027-01-15T15:30:00Z');
    const id = await book(new Date(start).toISOString());
    await untilCalls(fake.calls, 1);
    const timed = (await mine(id)).find((d) => d.workflow_id === reminder)!;
    await sweepWebhooks(env, start - HOUR);
    expect(fake.calls.map((c) => c.headers['webhook-id'])).toEqual([expect.any(String), timed.id, timed.id]);
    const [row] = (await mine(id)).filter((d) => d.id === timed.id);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = await env.DB.prepare('SELECT at, status FROM webhook_attempts WHERE delivery_id = ? ORDER BY at').bind(timed.id).all<{ at: number; status: number }>();
    expect(attempts.results.map((a) => a.status)).toEqual([503, 200]);
    expect(attempts.results[1].at - attempts.results[0].at).toBeGreaterThanOrEqual(5_000);
  });

  it('a reschedule moves the pending timed delivery to the new time; a cancel cancels it', async () => {
    fake = receiver('https://flow.test');
    const id = await book('2027-01-18T14:00:00Z');
    await untilCalls(fake.calls, 1);
    const [timed] = (await mine(id)).filter((d) => d.workflow_id === reminder);
    const admin = await login('admin@example.com');
    const res = await call(`/api/bookings/${id}/reschedule`, { token: admin, body: { start: '2027-01-19T16:15:00Z' }, now });
    expect(res.status, await res.clone().text()).toBe(200);
    const newId = (await json(res)).booking.id;
    const moved = (await mine(newId)).filter((d) => d.workflow_id === reminder);
    // The same delivery (never attempted, so no receiver knows its id), now due an hour before the new start.
    expect(moved).toEqual([expect.objectContaining({ id: timed.id, status: 'pending', due_at: Date.parse('2027-01-19T15:15:00Z') })]);
    expect((await mine(id)).filter((d) => d.workflow_id === reminder)).toEqual([]);
    expect((await call(`/api/bookings/${newId}/cancel`, { token: admin, body: {}, now })).status).toBe(200);
    expect((await mine(newId)).find((d) => d.workflow_id === reminder)).toMatchObject({ status: 'cancelled', next_attempt_at: null });
    await sweepWebhooks(env, Date.parse('2027-01-19T15:20:00Z'));
    expect(fake.calls.filter((c) => c.headers['webhook-id'] === timed.id)).toEqual([]);
  });

  it('a booking made inside the window records the timed delivery as skipped', async () => {
    fake = receiver('https://flow.test');
    const early = await workflow('before_start', 120, 'Two hours before');
    // Booked 75 minutes ahead (the page's notice is 60): the two-hours-before delivery was due 45 minutes ago.
    const id = await book('2026-11-23T15:30:00Z', '2026-11-23T14:15:00Z');
    await untilCalls(fake.calls, 1);
    await env.DB.prepare('UPDATE workflows SET active = 0 WHERE id = ?').bind(early).run();
    expect((await mine(id)).find((d) => d.workflow_id === early)).toMatchObject({ status: 'skipped', reason: 'due before the booking was made', next_attempt_at: null });
    expect((await mine(id)).find((d) => d.workflow_id === reminder)).toMatchObject({ status: 'pending', due_at: Date.parse('2026-11-23T14:30:00Z') });
  });

  it('a workflow turned off before its time sends nothing', async () => {
    fake = receiver('https://flow.test');
    const start = Date.parse('2027-01-20T14:00:00Z');
    const id = await book(new Date(start).toISOString());
    await untilCalls(fake.calls, 1);
    await env.DB.prepare('UPDATE workflows SET active = 0 WHERE id = ?').bind(reminder).run();
    await sweepWebhooks(env, start - HOUR);
    expect((await mine(id)).find((d) => d.workflow_id === reminder)).toMatchObject({ status: 'cancelled', reason: 'the workflow was turned off' });
    expect(fake.calls).toHaveLength(1);
    await env.DB.prepare('UPDATE workflows SET active = 1 WHERE id = ?').bind(reminder).run();
  });

  it('editing the workflow through the API moves its pending delivery to the new offset; turning it off there cancels it', async () => {
    fake = receiver('https://flow.test');
    const start = Date.parse('2027-01-21T14:00:00Z');
    const id = await book(new Date(start).toISOString());
    await untilCalls(fake.calls, 1);
    const token = await login('admin@example.com');
    expect((await call(`/api/workflows/${reminder}`, { method: 'PATCH', token, now, body: { offsetMinutes: 30 } })).status).toBe(200);
    expect((await mine(id)).find((d) => d.workflow_id === reminder)).toMatchObject({ status: 'pending', due_at: start - HOUR / 2 });
    expect((await call(`/api/workflows/${reminder}`, { method: 'PATCH', token, now, body: { active: false } })).status).toBe(200);
    expect((await mine(id)).find((d) => d.workflow_id === reminder)).toMatchObject({ status: 'cancelled' });
    await sweepWebhooks(env, start);
    expect(fake.calls).toHaveLength(1);
    await env.DB.prepare('UPDATE workflows SET active = 1, offset_minutes = 60 WHERE id = ?').bind(reminder).run();
  });
});
