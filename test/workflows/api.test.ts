/**
 * The workflows API (SPEC 11): defaults on new pages, validation (400 envelope naming the
 * field, nothing written), the page's edit permission (view without edit: 403; outside: 404),
 * what a change does to queued messages, applyToExisting over 10,000 upcoming bookings within
 * D1's limits, and a booking's message timeline.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { APPLY_CHUNK } from '../../src/workflows/apply';
import { NOW, book, createPage, iso, pageWorkflows, workflowMessages } from './helpers';

let page: { id: number; slug: string };
beforeAll(async () => {
  await seed(new Date(NOW));
  page = await createPage('wf-api');
});

const admin = () => login('admin@example.com');
const post = async (body: unknown, token?: string, pageId = page.id) =>
  call(`/api/scheduling-pages/${pageId}/workflows`, { token: token ?? (await admin()), now: NOW, body });
const patch = async (id: number, body: unknown, now = NOW) => call(`/api/workflows/${id}`, { method: 'PATCH', token: await admin(), now, body });
const count = async () => (await env.DB.prepare('SELECT count(*) AS n FROM workflows').first<{ n: number }>())!.n;

describe('workflows of a page', () => {
  it('a new page starts with two active booker reminders and an inactive "We missed you"', async () => {
    expect((await pageWorkflows(page.id)).map((w) => [w.name, w.trigger, w.offsetMinutes, w.active])).toEqual([
      ['Reminder 24 hours before', 'before_start', 1440, true],
      ['Reminder 1 hour before', 'before_start', 60, true],
      ['We missed you', 'marked_no_show', null, false],
    ]);
  });

  it.each([
    ['an unknown variable', { name: 'x', trigger: 'booking_created', action: 'email_booker', body: 'Hi {{firstName}}' }, ['body']],
    ['{{manageUrl}} in a host email', { name: 'x', trigger: 'booking_created', action: 'email_host', subject: 'Link {{manageUrl}}' }, ['subject']],
    ['an offset on an instant trigger', { name: 'x', trigger: 'booking_created', offsetMinutes: 10, action: 'email_booker' }, ['offsetMinutes']],
    ['a timed trigger without offset', { name: 'x', trigger: 'before_start', action: 'email_booker' }, ['offsetMinutes']],
    ['an offset under 5 minutes', { name: 'x', trigger: 'before_start', offsetMinutes: 4, action: 'email_booker' }, ['offsetMinutes']],
    ['an offset over 30 days', { name: 'x', trigger: 'after_end', offsetMinutes: 43_201, action: 'email_booker' }, ['offsetMinutes']],
    ['email_address without to', { name: 'x', trigger: 'booking_created', action: 'email_address' }, ['to']],
    ['a to that is no email', { name: 'x', trigger: 'booking_created', action: 'email_address', to: 'not-an-email' }, ['to']],
    ['a subject too long', { name: 'x', trigger: 'booking_created', action: 'email_booker', subject: 'x'.repeat(201) }, ['subject']],
    ['a webhook without webhookId', { name: 'x', trigger: 'booking_created', action: 'webhook' }, ['webhookId']],
    ['a webhook endpoint that does not exist', { name: 'x', trigger: 'booking_created', action: 'webhook', webhookId: 'nope' }, ['webhookId']],
    ['an unknown field', { name: 'x', trigger: 'booking_created', action: 'email_booker', colour: 'red' }, []],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_what, body, path) => {
    const before = await count();
    const res = await post(body);
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('validation_failed');
    if (path.length) expect(error.issues.map((i: { path: string[] }) => i.path)).toContainEqual(path);
    expect(await count()).toBe(before);
  });

  it('page permission: a viewer of the page gets 403, someone outside its scope 404, on every route', async () => {
    const body = { name: 'x', trigger: 'booking_created', action: 'email_booker' };
    const [first] = await pageWorkflows(page.id);
    const viewer = await login('viewer@example.com');
    const outsider = await login('rep3@example.com');
    expect((await call(`/api/scheduling-pages/${page.id}/workflows`, { token: viewer, now: NOW })).status).toBe(200);
    expect((await post(body, viewer)).status).toBe(403);
    expect((await call(`/api/workflows/${first.id}`, { method: 'PATCH', token: viewer, now: NOW, body: { active: false } })).status).toBe(403);
    expect((await call(`/api/workflows/${first.id}`, { method: 'DELETE', token: viewer, now: NOW })).status).toBe(403);
    expect((await call(`/api/scheduling-pages/${page.id}/workflows`, { token: outsider, now: NOW })).status).toBe(404);
    expect((await post(body, outsider)).status).toBe(404);
    expect((await call(`/api/workflows/${first.id}`, { method: 'PATCH', token: outsider, now: NOW, body: { active: false } })).status).toBe(404);
    // The host may edit their own page's workflows.
    const created = await post(body, await login('rep1@example.com'));
    expect(created.status).toBe(201);
    const { workflow } = await json(created);
    expect(workflow).toMatchObject({ pageId: page.id, trigger: 'booking_created', action: 'email_booker', offsetMinutes: null, active: true, subject: null });
    expect((await call(`/api/workflows/${workflow.id}`, { method: 'DELETE', token: await admin(), now: NOW })).status).toBe(200);
  });

  it('turning a reminder off cancels its pending messages; a new offset re-times them; deleting cancels and hides it', async () => {
    const { id } = await book(page.slug, '2026-12-08T15:00:00Z');
    const [day, hour] = await pageWorkflows(page.id);
    expect((await patch(hour.id, { offsetMinutes: 30 })).status).toBe(200);
    expect((await workflowMessages(id)).map((r) => [r.name, iso(r.due_at), iso(r.next_attempt_at), r.status])).toEqual([
      ['Reminder 24 hours before', '2026-12-07T15:00:00.000Z', '2026-12-07T15:00:00.000Z', 'pending'],
      ['Reminder 1 hour before', '2026-12-08T14:30:00.000Z', '2026-12-08T14:30:00.000Z', 'pending'],
    ]);
    expect((await patch(day.id, { active: false })).status).toBe(200);
    expect((await workflowMessages(id)).map((r) => [r.name, r.status])).toEqual([
      ['Reminder 24 hours before', 'cancelled'],
      ['Reminder 1 hour before', 'pending'],
    ]);
    expect((await call(`/api/workflows/${hour.id}`, { method: 'DELETE', token: await admin(), now: NOW })).status).toBe(200);
    expect((await workflowMessages(id)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect((await pageWorkflows(page.id)).map((w) => w.id)).not.toContain(hour.id);
    expect((await patch(hour.id, { active: true })).status).toBe(404);
    // On again with applyToExisting: the cancelled message holds no place, so it is scheduled afresh.
    expect((await patch(day.id, { active: true, applyToExisting: true })).status).toBe(200);
    expect((await workflowMessages(id)).filter((r) => r.status === 'pending').map((r) => r.name)).toEqual(['Reminder 24 hours before']);
  });

  it('GET /api/bookings/:id/messages lists every message of the booking (confirmations too); outside the scope: 404', async () => {
    const { id } = await book(page.slug, '2026-12-09T15:00:00Z');
    const res = await call(`/api/bookings/${id}/messages`, { token: await login('rep1@example.com'), now: NOW });
    expect(res.status).toBe(200);
    const { messages } = await json(res);
    expect(messages.map((m: any) => m.kind)).toEqual(expect.arrayContaining(['booking_confirmation', 'booking_host_notification', 'workflow']));
    const reminder = messages.find((m: any) => m.kind === 'workflow');
    expect(Object.keys(reminder).sort()).toEqual(['attempts', 'dueAt', 'id', 'kind', 'lastError', 'recipient', 'sentAt', 'status', 'workflowId', 'workflowName'].sort());
    expect(reminder).toMatchObject({ status: 'pending', dueAt: '2026-12-08T15:00:00.000Z', attempts: 0, sentAt: null, workflowName: 'Reminder 24 hours before' });
    expect((await call(`/api/bookings/${id}/messages`, { token: await login('rep3@example.com'), now: NOW })).status).toBe(404);
    expect((await call(`/api/bookings/nope/messages`, { token: await admin(), now: NOW })).status).toBe(404);
  });
});

describe('applyToExisting', () => {
  it('schedules a new workflow for 10,000 upcoming bookings of the page in one batch within D1 limits', async () => {
    const big = await createPage('wf-many');
    // 10,000 confirmed bookings of Ravi, one every 30 minutes from December 2026, straight into D1.
    const start = Date.parse('2026-12-01T00:00:00Z');
    await env.DB.batch([
      env.DB.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
        INSERT INTO booking_series (id, page_id, ics_uid, created_at) SELECT 'many-' || i, ?1, 'many-' || i || '@test', ?2 FROM n`).bind(big.id, Date.parse(NOW)),
      env.DB.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
        INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, created_at, updated_at)
        SELECT 'many-' || i, 'many-' || i, ?1, 3, 'confirmed', ?2 + i * 1800000, ?2 + i * 1800000 + 1800000, 'America/New_York', 'Booker ' || i, 'many' || i || '@example.org', 'phone', 'many-' || i || '@test', ?3, ?3 FROM n`).bind(big.id, start, Date.parse(NOW)),
      env.DB.prepare(`INSERT INTO booking_hosts (booking_id, user_id) SELECT id, 3 FROM bookings WHERE page_id = ?1`).bind(big.id),
    ]);
    const batches: number[] = [];
    const spied = new Proxy(env.DB, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop === 'batch') return (s: D1PreparedStatement[]) => (batches.push(s.length), target.batch(s));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const { createWorkflow } = await import('../../src/services/workflows');
    const user = { id: 1, name: 'Ada', email: 'admin@example.com', timezone: 'America/New_York', locale: 'en' as const, teamId: null, role: 'admin', permissions: { view: 'all', edit: 'all', delete: 'all' } as const };
    const result = await createWorkflow({ ...env, DB: spied }, user, big.id, { name: 'Day after', trigger: 'after_end', offsetMinutes: 1440, action: 'email_booker', active: true, applyToExisting: true }, Date.parse(NOW));
    expect(result.ok).toBe(true);
    const id = result.ok ? result.workflow.id : 0;
    const queued = await env.DB.prepare(`SELECT count(*) AS n, min(due_at) AS first, max(due_at) AS last FROM email_outbox WHERE workflow_id = ? AND status = 'pending'`).bind(id).first<any>();
    expect(queued).toEqual({ n: 10_000, first: start + 1800000 + 86_400_000, last: start + 9999 * 1800000 + 1800000 + 86_400_000 });
    // One write: the workflow and its messages, in start-time ranges of APPLY_CHUNK bookings, four recipient
    // kinds each (the batch before it is the page permission's read of the page and its hosts).
    expect(batches).toEqual([2, 1 + 4 * (10_000 / APPLY_CHUNK + 1)]);
    // Saving it again with applyToExisting queues nothing twice.
    expect((await patch(id, { applyToExisting: true })).status).toBe(200);
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM email_outbox WHERE workflow_id = ?`).bind(id).first<any>()).n).toBe(10_000);
  });
});
