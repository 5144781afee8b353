import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

const api = async (email: string, path: string, method: string, body?: unknown) => call(path, { token: await login(email), method, body, now: NOW });

const page = (over: Record<string, unknown> = {}) => ({
  slug: 'new-page',
  title: 'New page',
  durationMinutes: 30,
  timezone: 'America/New_York',
  locationType: 'phone',
  locationValue: '+1 555 0111',
  strategy: 'individual',
  hosts: [{ userId: 3 }],
  ...over,
});

describe('GET /api/users', () => {
  it('lists the users the caller may see', async () => {
    const ids = async (email: string) => (await json(await api(email, '/api/users', 'GET'))).users.map((u: { id: number }) => u.id);
    expect(await ids('admin@example.com')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await ids('manager@example.com')).toEqual([2, 3, 4, 5]);
    expect(await ids('rep3@example.com')).toEqual([6]);
  });
});

describe('PUT /api/users/:id/availability', () => {
  const body = {
    timezone: 'Asia/Kolkata',
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '10:00', end: '14:00' })),
    overrides: [{ date: '2026-12-01', unavailable: true }, { date: '2026-12-05', start: '09:00', end: '11:00' }],
  };

  it('a rep sets their own hours and the slots follow, in their zone', async () => {
    expect((await api('rep1@example.com', '/api/users/3/availability', 'PUT', body)).status).toBe(200);
    const slots = (await json(await call('/api/public/pages/ravi-intro/slots?from=2026-11-30T00:00:00Z&to=2026-12-06T00:00:00Z', { now: NOW }))).slots.map((s: { start: string }) => s.start);
    expect(slots[0]).toBe('2026-11-30T04:30:00.000Z'); // 10:00 in Kolkata
    expect(slots.some((s: string) => s.startsWith('2026-12-01'))).toBe(false); // day off
    expect(slots.filter((s: string) => s.startsWith('2026-12-05'))).toEqual(['2026-12-05T03:30:00.000Z', '2026-12-05T04:00:00.000Z', '2026-12-05T04:30:00.000Z', '2026-12-05T05:00:00.000Z']);
    const user = await env.DB.prepare('SELECT timezone FROM users WHERE id = 3').first<{ timezone: string }>();
    expect(user!.timezone).toBe('Asia/Kolkata');
  });

  it('scope: a manager edits their team, a rep only themselves (404 outside view), a viewer gets 403', async () => {
    const reset = { ...body, timezone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })), overrides: [] };
    expect((await api('manager@example.com', '/api/users/3/availability', 'PUT', reset)).status).toBe(200);
    expect((await api('rep1@example.com', '/api/users/4/availability', 'PUT', reset)).status).toBe(404);
    expect((await api('viewer@example.com', '/api/users/3/availability', 'PUT', reset)).status).toBe(403);
    expect((await api('manager@example.com', '/api/users/6/availability', 'PUT', reset)).status).toBe(404);
  });

  it('bad input is refused and changes nothing', async () => {
    const before = await env.DB.prepare('SELECT COUNT(*) n FROM availability_rules WHERE user_id = 3').first();
    for (const bad of [
      { ...body, timezone: 'Mars/Olympus' },
      { ...body, weekly: [{ day: 1, start: '14:00', end: '10:00' }] },
      { ...body, weekly: [{ day: 7, start: '09:00', end: '10:00' }] },
      { ...body, weekly: [{ day: 1, start: '9am', end: '10:00' }] },
      { ...body, overrides: [{ date: '2026-02-30', unavailable: true }] },
      { ...body, overrides: [{ date: '2026-12-01', unavailable: true }, { date: '2026-12-01', start: '09:00', end: '10:00' }] },
      { ...body, overrides: [{ date: '2026-12-01' }] },
    ]) {
      const res = await api('rep1@example.com', '/api/users/3/availability', 'PUT', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect((await json(res)).error.code).toBe('validation_failed');
    }
    expect(await env.DB.prepare('SELECT COUNT(*) n FROM availability_rules WHERE user_id = 3').first()).toEqual(before);
  });
});

describe('scheduling pages', () => {
  it('creates with the spec defaults', async () => {
    const res = await api('rep1@example.com', '/api/scheduling-pages', 'POST', page({ slug: 'defaults-check' }));
    expect(res.status).toBe(201);
    expect((await json(res)).page).toMatchObject({
      slotIntervalMinutes: 30,
      minimumNoticeMinutes: 0,
      horizonDays: 60,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      hosts: [{ userId: 3, weight: 1 }],
      briefingEnabled: true,
      active: true,
      questions: [],
    });
  });

  it('validates slug, zone, ranges, capacity and hosts', async () => {
    const cases: Record<string, unknown>[] = [
      page({ slug: 'No Caps' }),
      page({ slug: 'ab' }),
      page({ slug: 'ravi-intro' }), // taken
      page({ timezone: 'Nowhere/City' }),
      page({ durationMinutes: 0 }),
      page({ durationMinutes: 100000 }),
      page({ bufferBeforeMinutes: -5 }),
      page({ strategy: 'group', groupCapacity: 1 }),
      page({ strategy: 'group' }),
      page({ groupCapacity: 5 }),
      page({ strategy: 'collective', hosts: [{ userId: 3 }] }),
      page({ hosts: [{ userId: 999 }] }),
      page({ locationType: 'in_person', locationValue: null }),
      page({ questions: [{ id: 'a', label: 'A', type: 'select', required: true }] }),
    ];
    for (const body of cases) {
      const res = await api('admin@example.com', '/api/scheduling-pages', 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('a rep cannot host someone else; reading and editing follow scope', async () => {
    // Out of scope is answered like an unknown id (security.test.ts: no existence oracle).
    expect((await api('rep1@example.com', '/api/scheduling-pages', 'POST', page({ slug: 'for-rosa', hosts: [{ userId: 4 }] }))).status).toBe(400);
    expect((await api('viewer@example.com', '/api/scheduling-pages', 'POST', page({ slug: 'for-rosa' }))).status).toBe(403);
    expect((await api('rep2@example.com', '/api/scheduling-pages/1', 'GET')).status).toBe(404);
    expect((await api('viewer@example.com', '/api/scheduling-pages/1', 'GET')).status).toBe(200);
    expect((await api('viewer@example.com', '/api/scheduling-pages/1', 'PATCH', { title: 'x' })).status).toBe(403);
    const patched = await api('rep1@example.com', '/api/scheduling-pages/1', 'PATCH', { title: 'Intro call with Ravi (30 min)' });
    expect((await json(patched)).page.title).toBe('Intro call with Ravi (30 min)');
  });

  it('delete deactivates: the public page is gone, bookings keep their page', async () => {
    const created = (await json(await api('rep1@example.com', '/api/scheduling-pages', 'POST', page({ slug: 'short-lived' })))).page;
    const res = await api('rep1@example.com', `/api/scheduling-pages/${created.id}`, 'DELETE');
    expect((await json(res)).page.active).toBe(false);
    expect((await call('/api/public/pages/short-lived')).status).toBe(404);
    expect((await call('/b/short-lived')).status).toBe(404);
  });
});
