/**
 * Attendance marks and bulk actions send what they queued right after their commit (SPEC 11/12):
 * the "We missed you" email and the webhook deliveries go out without waiting for the sweep.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, json, login, seed } from '../helpers';
import { createEndpoint, receiver, untilCalls } from '../webhooks/receiver';
import { NOW, book, createPage, pageWorkflows, workflowMessages } from './helpers';

let page: { id: number; slug: string };
let missedId = 0;
let sorryId = 0;
const LATER = '2026-11-23T18:00:00Z';

beforeAll(async () => {
  await seed(new Date(NOW));
  page = await createPage('wf-at-once');
  const admin = await login('admin@example.com');
  missedId = (await pageWorkflows(page.id)).find((w) => w.name === 'We missed you')!.id;
  expect((await call(`/api/workflows/${missedId}`, { method: 'PATCH', token: admin, now: NOW, body: { active: true } })).status).toBe(200);
  const sorry = await call(`/api/scheduling-pages/${page.id}/workflows`, { token: admin, now: NOW, body: { name: 'Sorry to see you go', trigger: 'booking_cancelled', action: 'email_booker' } });
  expect(sorry.status, await sorry.clone().text()).toBe(201);
  sorryId = (await json(sorry)).workflow.id;
  await createEndpoint('admin@example.com', { url: 'https://at-once.test/h', events: ['booking.attendance_marked', 'booking.cancelled'], organization: true }, NOW);
});

let fake: ReturnType<typeof receiver> | undefined;
afterEach(() => fake?.restore());

/** Waits for the background send to leave `pending` on the booking's rows of `workflowId`. */
async function settled(bookingId: string, workflowId: number) {
  for (let i = 0; i < 200; i++) {
    const rows = (await workflowMessages(bookingId)).filter((r) => r.workflow_id === workflowId);
    if (rows.length && rows.every((r) => r.status !== 'pending')) return rows;
    await new Promise((r) => setTimeout(r, 10));
  }
  return (await workflowMessages(bookingId)).filter((r) => r.workflow_id === workflowId);
}

const eventsFor = (id: string) => fake!.calls.map((c) => JSON.parse(c.body)).filter((b) => b.data.booking.id === id).map((b) => b.type);

describe('sent right after the commit, without a sweep', () => {
  it('marking a booker no-show sends "We missed you" and the booking.attendance_marked delivery at once', async () => {
    fake = receiver('https://at-once.test');
    const { id } = await book(page.slug, '2026-11-23T14:00:00Z', { name: 'Sam' });
    const res = await call(`/api/bookings/${id}/attendance`, { token: await login('admin@example.com'), now: LATER, body: { status: 'no_show' } });
    expect(res.status).toBe(200);
    await untilCalls(fake.calls, 1);
    expect(eventsFor(id)).toEqual(['booking.attendance_marked']);
    expect((await settled(id, missedId)).map((r) => r.status)).toEqual(['sent']);
  });

  it('a bulk no-show sends each booking’s follow-up and delivery at once', async () => {
    fake = receiver('https://at-once.test');
    const a = await book(page.slug, '2026-11-23T15:00:00Z');
    const b = await book(page.slug, '2026-11-23T16:00:00Z');
    const res = await call('/api/bookings/bulk', { token: await login('admin@example.com'), now: LATER, body: { action: 'no_show', ids: [a.id, b.id] } });
    expect(res.status).toBe(200);
    expect((await json(res)).results).toEqual([{ id: a.id, ok: true }, { id: b.id, ok: true }]);
    await untilCalls(fake.calls, 2);
    expect(eventsFor(a.id)).toEqual(['booking.attendance_marked']);
    expect(eventsFor(b.id)).toEqual(['booking.attendance_marked']);
    expect((await settled(a.id, missedId)).map((r) => r.status)).toEqual(['sent']);
    expect((await settled(b.id, missedId)).map((r) => r.status)).toEqual(['sent']);
  });

  it('a bulk cancel sends the cancellation workflow and booking.cancelled at once', async () => {
    fake = receiver('https://at-once.test');
    const a = await book(page.slug, '2026-12-01T15:00:00Z');
    const b = await book(page.slug, '2026-12-01T16:00:00Z');
    const res = await call('/api/bookings/bulk', { token: await login('admin@example.com'), now: NOW, body: { action: 'cancel', ids: [a.id, b.id] } });
    expect(res.status).toBe(200);
    expect((await json(res)).results).toEqual([{ id: a.id, ok: true }, { id: b.id, ok: true }]);
    await untilCalls(fake.calls, 2);
    expect(eventsFor(a.id)).toEqual(['booking.cancelled']);
    expect(eventsFor(b.id)).toEqual(['booking.cancelled']);
    expect((await settled(a.id, sorryId)).map((r) => r.status)).toEqual(['sent']);
    expect((await settled(b.id, sorryId)).map((r) => r.status)).toEqual(['sent']);
  });
});
