import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { call, env, json, login, seed } from '../helpers';
import { sweepWebhooks } from '../../src/webhooks/delivery';
import { webhookStatements } from '../../src/webhooks/effects';
import { RETRY_DELAYS_MS } from '../../src/webhooks/vocab';
import { d1Statement } from '../../src/db/batch';
import { attemptsOf, createEndpoint, deliveriesOf, deliveryRow, receiver, untilCalls, verify } from './receiver';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();
const EVENTS = ['booking.created', 'booking.rescheduled', 'booking.cancelled', 'booking.attendance_marked'];

beforeAll(() => seed(NOW));

let fake: ReturnType<typeof receiver> | undefined;
afterEach(() => fake?.restore());

let slot = Date.parse('2027-01-12T15:00:00Z');
/** A booking on Ravi's page at a fresh slot (Tue–Fri, New York business hours). */
async function book(at = now) {
  const start = new Date(slot).toISOString();
  slot += 30 * 60_000;
  const res = await call('/api/public/pages/ravi-intro/bookings', { body: { start, name: 'Hook Booker', email: `hook${slot}@example.org`, answers: { company: 'Acme' } }, now: at });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).booking.id as string;
}

/** Only this endpoint's deliveries (other tests' endpoints share the database). */
async function onlyEndpoint(base: string) {
  const created = await createEndpoint('admin@example.com', { url: `${base}/hook`, events: EVENTS, organization: true }, now);
  // Earlier endpoints of this file stop taking events, so each test counts its own.
  await env.DB.prepare('UPDATE webhook_endpoints SET active = 0 WHERE id <> ?').bind(created.webhook.id).run();
  return created;
}

describe('webhook delivery (Standard Webhooks 1.0)', () => {
  it('a booking is delivered at once, signed so the official verifier accepts it, with the booking object', async () => {
    fake = receiver('https://hooks.test');
    const { webhook, secret } = await onlyEndpoint('https://hooks.test');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice(6))).toHaveLength(32);
    const bookingId = await book();
    await untilCalls(fake.calls, 1);
    expect(fake.calls).toHaveLength(1);
    const received = fake.calls[0];
    expect(received.url).toBe('https://hooks.test/hook');
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Number(received.headers['webhook-timestamp'])).toBe(Math.floor(NOW.getTime() / 1000));
    const body = verify(secret, received) as any;
    expect(body).toMatchObject({ type: 'booking.created', timestamp: now, data: { booking: { id: bookingId, status: 'confirmed', pageSlug: 'ravi-intro' } } });
    // The booking object is the one GET /api/bookings/:id answers (an organization endpoint sees all).
    const { booking } = await json(await call(`/api/bookings/${bookingId}`, { token: await login('admin@example.com'), now }));
    // (The email audit moves on as the confirmation goes out alongside.)
    const strip = ({ emails: _e, emailStatus: _s, emailAttempts: _a, emailLastError: _l, emailProviderId: _p, ...rest }: any) => rest;
    expect(strip(body.data.booking)).toEqual(strip(booking));
    // A tampered body or a wrong secret fails verification.
    expect(() => verify(secret, { ...received, body: received.body.replace('confirmed', 'cancelled') })).toThrow();
    const [row] = await deliveriesOf(webhook.id);
    expect(row).toMatchObject({ id: received.headers['webhook-id'], status: 'succeeded', attempts: 1, booking_id: bookingId });
    expect(await attemptsOf(row.id)).toEqual([expect.objectContaining({ status: 200, response: 'ok' })]);
  });

  it('retries on the schedule with jitter, same webhook-id and body every time, then fails; a replay keeps the id', { timeout: 40_000 }, async () => {
    fake = receiver('https://retry.test', [{ status: 500, body: 'x'.repeat(5000) }]);
    const { webhook, secret } = await onlyEndpoint('https://retry.test');
    await book();
    await untilCalls(fake.calls, 1);
    const [delivery] = await deliveriesOf(webhook.id);
    // The 5 s retry comes from the run that made the first attempt, not the next five-minute sweep.
    await untilCalls(fake.calls, 2, 10_000);
    const [first, second] = await attemptsOf(delivery.id);
    expect(second.at - first.at).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]);
    expect(second.at - first.at).toBeLessThan(RETRY_DELAYS_MS[1]);
    let t = second.at;
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      if (i === 0) continue;
      const row = await deliveryRow(delivery.id);
      expect(row).toMatchObject({ status: 'pending', attempts: i + 1 });
      expect(row.next_attempt_at! - t).toBeGreaterThanOrEqual(delay);
      expect(row.next_attempt_at! - t).toBeLessThanOrEqual(delay * 1.1 + 1);
      // Not due a moment before its time.
      await sweepWebhooks(env, row.next_attempt_at! - 1);
      expect(fake.calls).toHaveLength(i + 1);
      t = row.next_attempt_at!;
      await sweepWebhooks(env, t);
      expect(fake.calls).toHaveLength(i + 2);
    }
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: 'failed', attempts: 10, next_attempt_at: null });
    const attempts = await attemptsOf(delivery.id);
    expect(attempts).toHaveLength(10);
    expect(attempts.every((a) => a.status === 500 && a.response!.length <= 1024)).toBe(true);
    expect(new Set(fake.calls.map((c) => c.headers['webhook-id']))).toEqual(new Set([delivery.id]));
    expect(new Set(fake.calls.map((c) => c.body)).size).toBe(1);
    for (const c of fake.calls) expect(verify(secret, c)).toBeTruthy();
    // Replay: the same webhook-id and body, signed anew.
    fake.restore();
    fake = receiver('https://retry.test', [{ status: 204 }]);
    const later = new Date(t + 3_600_000).toISOString();
    const res = await call(`/api/webhook-deliveries/${delivery.id}/replay`, { method: 'POST', token: await login('admin@example.com'), now: later });
    expect(res.status).toBe(202);
    await untilCalls(fake.calls, 1);
    expect(fake.calls[0].headers['webhook-id']).toBe(delivery.id);
    expect(fake.calls[0].body).toBe((await deliveryRow(delivery.id)).payload);
    expect(verify(secret, fake.calls[0])).toBeTruthy();
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: 'succeeded' });
  });

  it('410 Gone disables the endpoint: later bookings queue nothing for it', async () => {
    fake = receiver('https://gone.test', [{ status: 410 }]);
    const { webhook } = await onlyEndpoint('https://gone.test');
    await book();
    await untilCalls(fake.calls, 1);
    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    const [listed] = (await json(await call('/api/webhooks', { token: await login('admin@example.com'), now }))).webhooks.filter((w: any) => w.id === webhook.id);
    expect(listed).toMatchObject({ active: false, disabledReason: 'gone' });
    await book();
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);
  });

  it('a redirect is not followed and counts as a failure', async () => {
    fake = receiver('https://moved.test', [{ status: 302, headers: { location: 'http://169.254.169.254/latest' } }]);
    const { webhook } = await onlyEndpoint('https://moved.test');
    await book();
    await untilCalls(fake.calls, 1);
    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await attemptsOf(delivery.id)).toEqual([expect.objectContaining({ status: 302, response: 'redirect to http://169.254.169.254/latest not followed' })]);
    expect(fake.calls).toHaveLength(1);
  });

  it('an endpoint that never answers times out after 15 s and is retried later', { timeout: 40_000 }, async () => {
    fake = receiver('https://slow.test', ['hang']);
    const { webhook } = await onlyEndpoint('https://slow.test');
    await env.DB.prepare('UPDATE webhook_endpoints SET active = 0').run();
    await book();
    await env.DB.prepare('UPDATE webhook_endpoints SET active = 1 WHERE id = ?').bind(webhook.id).run();
    // Queued directly (the endpoint was off at booking time): one sweep sends it.
    const id = 'msg_timeout';
    await env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_type, booking_id, status, attempts, due_at, next_attempt_at, created_at, updated_at)
       SELECT ?, ?, 'booking.created', id, 'pending', 0, ?, ?, ?, ? FROM bookings WHERE id NOT LIKE 'seed-%' LIMIT 1`,
    ).bind(id, webhook.id, NOW.getTime(), NOW.getTime(), NOW.getTime(), NOW.getTime()).run();
    const started = Date.now();
    await sweepWebhooks(env, NOW.getTime());
    expect(Date.now() - started).toBeGreaterThanOrEqual(14_000);
    expect(await deliveryRow(id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await attemptsOf(id)).toEqual([expect.objectContaining({ status: null, response: 'timeout after 15 s' })]);
  });

  it('after a rotation both secrets sign for 24 hours, then only the new one', async () => {
    fake = receiver('https://rotate.test', [{ status: 200 }]);
    const { webhook, secret: old } = await onlyEndpoint('https://rotate.test');
    const res = await call(`/api/webhooks/${webhook.id}/rotate-secret`, { method: 'POST', token: await login('admin@example.com'), now });
    expect(res.status).toBe(200);
    const { secret: fresh } = await json(res);
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    await book();
    await untilCalls(fake.calls, 1);
    expect(fake.calls[0].headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(old, fake.calls[0])).toBeTruthy();
    expect(verify(fresh, fake.calls[0])).toBeTruthy();
    const dayLater = new Date(NOW.getTime() + 24 * 3_600_000 + 1000).toISOString();
    await book(dayLater);
    await untilCalls(fake.calls, 2);
    expect(fake.calls[1].headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(verify(fresh, fake.calls[1])).toBeTruthy();
    expect(() => verify(old, fake!.calls[1])).toThrow();
  });

  it('POST /api/webhooks/:id/test sends a signed ping (202) and logs it', async () => {
    fake = receiver('https://ping.test', [{ status: 200, body: 'pong' }]);
    const { webhook, secret } = await onlyEndpoint('https://ping.test');
    const res = await call(`/api/webhooks/${webhook.id}/test`, { method: 'POST', token: await login('admin@example.com'), now });
    expect(res.status).toBe(202);
    await untilCalls(fake.calls, 1);
    expect(verify(secret, fake.calls[0])).toEqual({ type: 'ping', timestamp: now, data: { webhookId: webhook.id } });
    const log = await json(await call(`/api/webhooks/${webhook.id}/deliveries`, { token: await login('admin@example.com'), now }));
    expect(log.deliveries[0]).toMatchObject({ id: fake.calls[0].headers['webhook-id'], eventType: 'ping', webhookId: webhook.id, status: 'succeeded', nextAttemptAt: null });
    expect(log.deliveries[0].attempts).toEqual([{ at: now, status: 200, durationMs: expect.any(Number), response: 'pong' }]);
  });

  it('nothing is written or sent for a change whose batch failed, or that was refused', async () => {
    fake = receiver('https://atomic.test');
    const { webhook } = await onlyEndpoint('https://atomic.test');
    const taken = await book();
    await untilCalls(fake.calls, 1);
    const start = (await env.DB.prepare('SELECT start_at FROM bookings WHERE id = ?').bind(taken).first<{ start_at: number }>())!.start_at;
    // Refused: the slot is taken.
    const refused = await call('/api/public/pages/ravi-intro/bookings', { body: { start: new Date(start).toISOString(), name: 'Late', email: 'late@example.org', answers: { company: 'A' } }, now });
    expect(refused.status).toBe(409);
    // A batch that fails at D1 (the interval CHECK) rolls back its deliveries with it.
    const failing = env.DB.prepare(`UPDATE bookings SET end_at = start_at - 1, updated_at = ? WHERE id = ?`).bind(NOW.getTime() + 5, taken);
    const touch = env.DB.prepare(`UPDATE bookings SET updated_at = ? WHERE id = ?`).bind(NOW.getTime() + 5, taken);
    const statements = webhookStatements({ type: 'booking.cancelled', bookingId: taken, now: NOW.getTime() + 5 }).map((q) => d1Statement(env.DB, q));
    await expect(env.DB.batch([touch, ...statements, failing])).rejects.toThrow();
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);
    expect(fake.calls).toHaveLength(1);
  });
});

describe('the reference verifier agrees with the format', () => {
  it('signs id.timestamp.body with the secret bytes', () => {
    const wh = new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(wh.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});
