/**
 * /dev/mailbox names every row: a workflow message never written (skipped, cancelled, or not due
 * yet) says why instead of showing an empty heading.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, login, seed } from '../helpers';
import { NOW, book, createPage, workflowMessages } from './helpers';

beforeAll(async () => {
  await seed(new Date(NOW));
});

describe('/dev/mailbox', () => {
  it('a skipped, a cancelled and a pending workflow message each have a heading that says what happened', async () => {
    const page = await createPage('wf-mailbox');
    // Booked 3 hours ahead: the 24-hour reminder is skipped, the 1-hour one pending; then cancelled.
    const skipped = await book(page.slug, '2026-11-23T15:00:00Z');
    const cancelled = await book(page.slug, '2026-11-24T16:00:00Z');
    const res = await call(`/api/bookings/${cancelled.id}/cancel`, { token: await login('admin@example.com'), now: NOW, body: {} });
    expect(res.status).toBe(200);
    const rows = [...(await workflowMessages(skipped.id)), ...(await workflowMessages(cancelled.id))];
    expect(rows.map((r) => [r.name, r.status, r.subject])).toEqual([
      ['Reminder 24 hours before', 'skipped', ''],
      ['Reminder 1 hour before', 'pending', ''],
      ['Reminder 24 hours before', 'cancelled', ''],
      ['Reminder 1 hour before', 'cancelled', ''],
    ]);
    const html = await (await call('/dev/mailbox', { now: NOW })).text();
    const headings = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(headings.filter((h) => h.trim() === '')).toEqual([]);
    expect(headings).toContain('Not sent: the booking was made after this message was due');
    expect(headings).toContain('Not sent: the booking was cancelled');
    expect(headings).toContain('Not written yet: due 2026-11-23T14:00:00.000Z');
  });
});
