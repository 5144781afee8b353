/**
 * A mark's follow-up is queued only if the mark holds after its batch, and a mark that changes
 * its mind cancels what the other mark queued and has not yet sent. The statements run against
 * D1 directly, in the state a racing request would leave.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { d1Statement } from '../../src/db/batch';
import { workflowStatements } from '../../src/workflows/effects';
import type { BookingEvent } from '../../src/services/booking-events';
import { NOW, book, createPage, workflowMessages } from './helpers';

let page: { id: number; slug: string };
let missedId: number;
const run = (event: BookingEvent) => env.DB.batch(workflowStatements(event).map((q) => d1Statement(env.DB, q)));
const at = Date.parse('2026-11-23T15:00:00Z');

beforeAll(async () => {
  await seed(new Date(NOW));
  page = await createPage('wf-marks');
  const token = await login('admin@example.com');
  const flows = (await json(await call(`/api/scheduling-pages/${page.id}/workflows`, { token, now: NOW }))).workflows;
  missedId = flows.find((w: { name: string }) => w.name === 'We missed you').id;
  expect((await call(`/api/workflows/${missedId}`, { method: 'PATCH', token, now: NOW, body: { active: true } })).status).toBe(200);
});

describe('attendance marks and their follow-ups', () => {
  it('a no-show mark that another request overturned in the meantime queues no "We missed you"', async () => {
    const { id } = await book(page.slug, '2026-11-23T14:00:00Z');
    // The racing request marked attended last: the row says attended when this batch's events run.
    await env.DB.prepare("UPDATE bookings SET attendance = 'attended' WHERE id = ?").bind(id).run();
    await run({ type: 'booking.attendance_marked', bookingId: id, attendance: 'no_show', now: at });
    expect((await workflowMessages(id)).filter((r) => r.workflow_id === missedId)).toEqual([]);
  });

  it('marking attended after a no-show cancels the unsent "We missed you"', async () => {
    const { id } = await book(page.slug, '2026-11-23T14:30:00Z');
    await env.DB.prepare("UPDATE bookings SET attendance = 'no_show' WHERE id = ?").bind(id).run();
    await run({ type: 'booking.attendance_marked', bookingId: id, attendance: 'no_show', now: at });
    expect((await workflowMessages(id)).filter((r) => r.workflow_id === missedId).map((r) => r.status)).toEqual(['pending']);
    await env.DB.prepare("UPDATE bookings SET attendance = 'attended' WHERE id = ?").bind(id).run();
    await run({ type: 'booking.attendance_marked', bookingId: id, attendance: 'attended', now: at + 60_000 });
    const rows = (await workflowMessages(id)).filter((r) => r.workflow_id === missedId);
    expect(rows.map((r) => [r.status, r.last_error])).toEqual([['cancelled', 'Not sent: the attendance mark changed']]);
  });
});
