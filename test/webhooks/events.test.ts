import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { createEndpoint, receiver, verify, type Received } from './receiver';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();
const ALL = ['booking.created', 'booking.rescheduled', 'booking.cancelled', 'booking.attendance_marked'];

let org: { id: string; secret: string };
const personal: Record<string, { id: string; secret: string }> = {};

beforeAll(async () => {
  await seed(NOW);
  const o = await createEndpoint('admin@example.com', { url: 'https://org.test/h', events: ALL, organization: true }, now);
  org = { id: o.webhook.id, secret: o.secret };
  // rep1 (own scope), manager (team West), rep3 (own scope, team East).
  for (const email of ['rep1@example.com', 'manager@example.com', 'rep3@example.com']) {
    const p = await createEndpoint(email, { url: `https://${email.split('@')[0]}.test/h`, events: ALL }, now);
    personal[email] = { id: p.webhook.id, secret: p.secret };
  }
});

let fake: ReturnType<typeof receiver> | undefined;
beforeEach(() => {
  fake = receiver('https://');
});
afterEach(() => fake?.restore());

/** What each receiver host got, parsed (after the background sends are done). */
async function received(n: number): Promise<Record<string, any[]>> {
  for (let i = 0; i < 300 && fake!.calls.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  const out: Record<string, any[]> = {};
  for (const c of fake!.calls) (out[new URL(c.url).hostname] ??= []).push(JSON.parse(c.body));
  return out;
}
const byHost = (c: Received) => new URL(c.url).hostname;

async function book(slug: string, start: string, extra: Record<string, unknown> = {}) {
  const res = await call(`/api/public/pages/${slug}/bookings`, { body: { start, name: 'Event Booker', email: `ev${Date.parse(start)}${Math.random()}@example.org`, ...extra }, now });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = await json(res);
  return { id: body.booking.id as string, token: (body.manageUrl as string).split('/').pop()! };
}

describe('booking changes become webhook events (SPEC 12)', () => {
  it('a personal endpoint gets only bookings in its owner’s view scope', async () => {
    await book('ravi-intro', '2027-01-12T15:00:00Z', { answers: { company: 'A' } });
    await book('jonas-beratung', '2027-01-12T09:00:00Z');
    const got = await received(5);
    // Ravi's booking (team West): the organization, Ravi himself, his manager. Jonas's (East): the organization and Jonas.
    expect(got['org.test'].map((e) => e.data.booking.pageSlug).sort()).toEqual(['jonas-beratung', 'ravi-intro']);
    expect(got['rep1.test'].map((e) => e.data.booking.pageSlug)).toEqual(['ravi-intro']);
    expect(got['manager.test'].map((e) => e.data.booking.pageSlug)).toEqual(['ravi-intro']);
    expect(got['rep3.test'].map((e) => e.data.booking.pageSlug)).toEqual(['jonas-beratung']);
    expect(fake!.calls).toHaveLength(5);
    for (const c of fake!.calls) {
      const secret = byHost(c) === 'org.test' ? org.secret : personal[`${byHost(c).split('.')[0]}@example.com`].secret;
      expect(verify(secret, c)).toMatchObject({ type: 'booking.created' });
    }
  });

  it('a reschedule is one booking.rescheduled event with the previous time; a cancel is booking.cancelled', async () => {
    const { id } = await book('ravi-intro', '2027-01-13T15:00:00Z', { answers: { company: 'A' } });
    await received(3);
    fake!.calls.length = 0;
    const admin = await login('admin@example.com');
    const moved = await call(`/api/bookings/${id}/reschedule`, { token: admin, body: { start: '2027-01-13T17:00:00Z' }, now });
    expect(moved.status).toBe(200);
    const newId = (await json(moved)).booking.id;
    const got = await received(3);
    expect(got['org.test']).toEqual([
      expect.objectContaining({
        type: 'booking.rescheduled',
        data: expect.objectContaining({
          booking: expect.objectContaining({ id: newId, start: '2027-01-13T17:00:00.000Z', status: 'confirmed' }),
          previous: { bookingId: id, start: '2027-01-13T15:00:00.000Z', end: '2027-01-13T15:30:00.000Z' },
        }),
      }),
    ]);
    fake!.calls.length = 0;
    expect((await call(`/api/bookings/${newId}/cancel`, { token: admin, body: { reason: 'No longer needed' }, now })).status).toBe(200);
    const cancelled = await received(3);
    expect(cancelled['org.test'][0]).toMatchObject({ type: 'booking.cancelled', data: { booking: { id: newId, status: 'cancelled', cancelReason: 'No longer needed', cancelledBy: 'host' } } });
    expect(cancelled['rep1.test']).toHaveLength(1);
    expect(cancelled['rep3.test']).toBeUndefined();
  });

  it('an attendance mark is booking.attendance_marked; repeating it sends nothing', async () => {
    const later = '2026-11-23T12:00:00.000Z';
    const admin = await login('admin@example.com');
    const res = await call('/api/bookings/seed-b07/attendance', { token: admin, body: { status: 'no_show' }, now: later });
    expect(res.status).toBe(200);
    // The attendance route queues its deliveries in its batch; the sweep sends them.
    expect((await call('/dev/sweep', { method: 'POST', now: later })).status).toBe(200);
    const got = await received(1);
    expect(got['org.test']).toEqual([expect.objectContaining({ type: 'booking.attendance_marked', data: expect.objectContaining({ booking: expect.objectContaining({ id: 'seed-b07', attendance: 'no_show' }) }) })]);
    const count = () => env.DB.prepare(`SELECT COUNT(*) n FROM webhook_deliveries WHERE booking_id = 'seed-b07'`).first<{ n: number }>();
    const before = (await count())!.n;
    expect((await call('/api/bookings/seed-b07/attendance', { token: admin, body: { status: 'no_show' }, now: later })).status).toBe(200);
    expect((await count())!.n).toBe(before);
  });

  it('group seats: taking one is booking.created for the occurrence, leaving one is booking.cancelled naming the seat', async () => {
    const first = await book('west-webinar', '2027-01-13T15:00:00Z');
    const second = await book('west-webinar', '2027-01-13T15:00:00Z');
    expect(second.id).toBe(first.id);
    const got = await received(4);
    const created = got['org.test'];
    expect(created.map((e) => e.type)).toEqual(['booking.created', 'booking.created']);
    expect(created[1].data.booking.attendees.map((a: any) => a.name)).toEqual(['Event Booker', 'Event Booker']);
    expect(created[0].data.attendee.id).not.toBe(created[1].data.attendee.id);
    // Rosa's webinar: West, so the manager sees it; rep1 does not host it.
    expect(got['manager.test']).toHaveLength(2);
    expect(got['rep1.test']).toBeUndefined();
    fake!.calls.length = 0;
    expect((await call(`/api/public/manage/${second.token}/cancel`, { body: {}, now })).status).toBe(200);
    const left = (await received(2))['org.test'][0];
    expect(left).toMatchObject({ type: 'booking.cancelled', data: { booking: { id: first.id, status: 'confirmed', attendeeCount: 1 }, attendee: { id: created[1].data.attendee.id, status: 'cancelled' } } });
    expect(left.data.booking.attendees).toHaveLength(1);
  });

  it('an endpoint gets only the events it subscribed to, and a paused one none', async () => {
    const only = await createEndpoint('admin@example.com', { url: 'https://only-cancel.test/h', events: ['booking.cancelled'], organization: true }, now);
    const paused = await createEndpoint('admin@example.com', { url: 'https://paused.test/h', events: ALL, organization: true }, now);
    await call(`/api/webhooks/${paused.webhook.id}`, { method: 'PATCH', token: await login('admin@example.com'), body: { active: false }, now });
    const { token } = await book('rosa-demo', '2027-01-14T14:00:00Z');
    expect((await call(`/api/public/manage/${token}/cancel`, { body: {}, now })).status).toBe(200);
    const got = await received(5);
    expect(got['only-cancel.test'].map((e) => e.type)).toEqual(['booking.cancelled']);
    expect(got['paused.test']).toBeUndefined();
  });
});
