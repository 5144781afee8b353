/** A reminder due at the very minute of booking is inside its window: skipped, never sent at booking time. */
import { beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../helpers';
import { NOW, book, createPage, sweep, workflowMessages } from './helpers';

let page: { id: number; slug: string };
beforeAll(async () => {
  await seed(new Date(NOW));
  page = await createPage('wf-edge');
});

describe('the edge of a reminder window', () => {
  it('booked exactly 60 minutes ahead: the 1-hour reminder is skipped with its reason and the sweep sends nothing', async () => {
    const { id } = await book(page.slug, '2026-11-23T16:00:00Z', { now: '2026-11-23T15:00:00Z' });
    await sweep('2026-11-23T15:00:00Z');
    const hour = (await workflowMessages(id)).find((r) => r.name === 'Reminder 1 hour before')!;
    expect([hour.status, hour.last_error]).toEqual(['skipped', 'Not sent: the booking was made after this message was due']);
    const day = (await workflowMessages(id)).find((r) => r.name === 'Reminder 24 hours before')!;
    expect(day.status).toBe('skipped');
  });
});
