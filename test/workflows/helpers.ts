/** Shared steps of the workflow tests: a page of Ravi's (host 3, New York, weekdays 09–17), bookings through the public API, the cron. */
import { expect } from 'vitest';
import { call, env, json, login } from '../helpers';
import { runScheduledSweeps } from '../../src/scheduled';

export const NOW = '2026-11-23T12:00:00Z';

export async function createPage(slug: string, over: Record<string, unknown> = {}): Promise<{ id: number; slug: string }> {
  const res = await call('/api/scheduling-pages', {
    token: await login('admin@example.com'),
    now: NOW,
    body: { slug, title: `Intro ${slug}`, durationMinutes: 30, timezone: 'America/New_York', locationType: 'phone', locationValue: '+1 555 0100', strategy: 'individual', hosts: [{ userId: 3 }], ...over },
  });
  expect(res.status).toBe(201);
  return (await json(res)).page;
}

let n = 0;
export async function book(slug: string, start: string, opts: { now?: string; name?: string; email?: string; locale?: string; timezone?: string } = {}) {
  const res = await call(`/api/public/pages/${slug}/bookings`, {
    now: opts.now ?? NOW,
    body: { start, name: opts.name ?? `Booker ${++n}`, email: opts.email ?? `wf-booker-${n}@example.org`, ...(opts.locale ? { locale: opts.locale } : {}), ...(opts.timezone ? { timezone: opts.timezone } : {}) },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const body = await json(res);
  return { id: body.booking.id as string, manageUrl: body.manageUrl as string, token: (body.manageUrl as string).split('/').pop()! };
}

export type MessageRow = { id: string; kind: string; to_address: string; status: string; due_at: number; next_attempt_at: number; last_error: string | null; subject: string; text_body: string; html: string; workflow_id: number | null; attendee_id: string | null; name: string | null };

/** A booking's workflow messages, soonest due first. */
export async function workflowMessages(bookingId: string): Promise<MessageRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT o.*, w.name FROM email_outbox o JOIN workflows w ON w.id = o.workflow_id WHERE o.booking_id = ? ORDER BY o.due_at, w.id, o.to_address`,
  ).bind(bookingId).all<MessageRow>();
  return results;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** The cron at `at` (what the 5-minute trigger does). */
export const sweep = (at: string, bindings = env) => runScheduledSweeps(bindings, new Date(at));

export async function pageWorkflows(pageId: number) {
  const res = await call(`/api/scheduling-pages/${pageId}/workflows`, { token: await login('admin@example.com'), now: NOW });
  expect(res.status).toBe(200);
  return (await json(res)).workflows as { id: number; name: string; trigger: string; offsetMinutes: number | null; active: boolean }[];
}
