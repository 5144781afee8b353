import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { call, env, json, login, seed, ORIGIN } from '../helpers';
import { SEED_BOOKINGS } from '../../src/db/seed';

beforeAll(() => seed());

const TABS = ['upcoming', 'past', 'cancelled', 'rescheduled'];

async function visibleIds(email: string): Promise<string[]> {
  const token = await login(email);
  const ids: string[] = [];
  for (const tab of TABS) {
    const res = await call(`/api/bookings?tab=${tab}&limit=100`, { token });
    expect(res.status).toBe(200);
    ids.push(...(await json(res)).bookings.map((b: { id: string }) => b.id));
  }
  return ids.sort();
}

const ALL = SEED_BOOKINGS.map((b) => b.id).sort();
const EAST = ['seed-b05', 'seed-b08'];
const WEST = ALL.filter((id) => !EAST.includes(id));

describe('scope over the seeded bookings', () => {
  const expected: Record<string, string[]> = {
    'admin@example.com': ALL,
    'manager@example.com': WEST,
    'viewer@example.com': WEST,
    'rep1@example.com': ['seed-b01', 'seed-b03', 'seed-b06', 'seed-b09', 'seed-b11', 'seed-b12'],
    'rep2@example.com': ['seed-b02', 'seed-b04', 'seed-b07', 'seed-b10'],
    'rep3@example.com': EAST,
  };
  for (const [email, ids] of Object.entries(expected)) {
    it(`${email} sees exactly their scope`, async () => {
      expect(await visibleIds(email)).toEqual(ids);
    });
  }

  it('a collective booking is in scope for every one of its hosts', async () => {
    // seed-b03 is hosted by the manager (primary) and rep1.
    const res = await call('/api/bookings/seed-b03', { token: await login('rep1@example.com') });
    expect(res.status).toBe(200);
    expect((await json(res)).booking.hostIds).toEqual([2, 3]);
  });
});

describe('401 / 403 / 404', () => {
  it('401 without credentials on every protected API', async () => {
    for (const path of ['/api/me', '/api/users', '/api/bookings', '/api/bookings/seed-b01', '/api/persons/1']) {
      const res = await call(path);
      expect(res.status, path).toBe(401);
      expect((await json(res)).error.code).toBe('unauthenticated');
    }
  });

  it('404, not 403, for a booking outside the scope', async () => {
    const token = await login('rep2@example.com');
    for (const [method, path, body] of [
      ['GET', '/api/bookings/seed-b01', undefined],
      ['POST', '/api/bookings/seed-b01/cancel', {}],
      ['POST', '/api/bookings/seed-b01/reschedule', { start: '2030-01-01T15:00:00Z' }],
      ['POST', '/api/bookings/seed-b01/manage-link', undefined],
      ['POST', '/api/bookings/seed-b06/attendance', { status: 'no_show' }],
    ] as const) {
      const res = await call(path, { method, token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
  });

  it('403 inside the view scope without the permission (viewer)', async () => {
    const token = await login('viewer@example.com');
    expect((await call('/api/bookings/seed-b01', { token })).status).toBe(200);
    for (const [path, body] of [
      ['/api/bookings/seed-b01/cancel', {}],
      ['/api/bookings/seed-b01/reschedule', { start: '2030-01-01T15:00:00Z' }],
      ['/api/bookings/seed-b01/manage-link', undefined],
      ['/api/bookings/seed-b06/attendance', { status: 'attended' }],
    ] as const) {
      const res = await call(path, { method: 'POST', token, body });
      expect(res.status, path).toBe(403);
      expect((await json(res)).error.code).toBe('forbidden');
    }
  });

  it('unknown API routes answer the envelope with 404', async () => {
    const res = await call('/api/nothing-here', { token: await login('admin@example.com') });
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: { code: 'not_found', message: 'Not found' } });
  });
});

describe('validation', () => {
  it('malformed JSON → 400 validation_failed', async () => {
    const res = await call('/api/auth/login', { rawBody: '{"email": "rep1@example.com",' });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('validation_failed');
  });

  it('unknown fields → 400 with the issues', async () => {
    const res = await call('/api/auth/login', { body: { email: 'rep1@example.com', password: 'demo-password', admin: true } });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.issues.length).toBeGreaterThan(0);
  });

  it('bad query parameters → 400, not 500', async () => {
    const token = await login('admin@example.com');
    for (const q of ['tab=everything', 'limit=0', 'limit=abc', 'cursor=%%%', 'pageId=-1', 'extra=1']) {
      const res = await call(`/api/bookings?${q}`, { token });
      expect(res.status, q).toBe(400);
      expect((await json(res)).error.code).toBe('validation_failed');
    }
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated write from another origin, accepts same-origin', async () => {
    const token = await login('rep1@example.com');
    const foreign = await call('/api/bookings/seed-b06/attendance', {
      body: { status: 'attended' },
      headers: { cookie: `session=${token}`, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const missing = await call('/api/bookings/seed-b06/attendance', { body: { status: 'attended' }, headers: { cookie: `session=${token}` } });
    expect(missing.status).toBe(403);
    const same = await call('/api/bookings/seed-b06/attendance', {
      body: { status: 'attended' },
      headers: { cookie: `session=${token}`, origin: ORIGIN },
    });
    expect(same.status).toBe(200);
  });
});

describe('X-Test-Now', () => {
  const farFuture = '2099-01-01T00:00:00Z';

  it('sets now outside production', async () => {
    const res = await call('/api/bookings?tab=upcoming', { token: await login('admin@example.com'), now: farFuture });
    expect((await json(res)).bookings).toEqual([]);
  });

  it('is ignored when ENVIRONMENT is production', async () => {
    const token = await login('admin@example.com');
    const production = { ...env, ENVIRONMENT: 'production', SESSION_SECRET: 'dev-only-session-secret-never-used-in-production' };
    const res = await app.fetch(
      new Request(`${ORIGIN}/api/bookings?tab=upcoming`, { headers: { authorization: `Bearer ${token}`, 'x-test-now': farFuture } }),
      production,
    );
    expect(res.status).toBe(200);
    expect((await json(res)).bookings.length).toBeGreaterThan(0);
  });

  it('the dev mailbox and the dev sweep hook do not exist in production', async () => {
    const res = await app.fetch(new Request(`${ORIGIN}/dev/mailbox`), { ...env, ENVIRONMENT: 'production' });
    expect(res.status).toBe(404);
    const sweep = await app.fetch(new Request(`${ORIGIN}/dev/sweep`, { method: 'POST' }), { ...env, ENVIRONMENT: 'production' });
    expect(sweep.status).toBe(404);
  });
});

describe('secure headers', () => {
  it('sends a CSP without inline scripts and the usual hardening headers', async () => {
    const res = await call('/login');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('GET /api/persons/:id', () => {
  it('shows a person only through a booking in the caller’s view scope', async () => {
    // Alice (1) books only with West hosts; Dieter (4) only with rep3 (East).
    const status = async (email: string, id: number) => (await call(`/api/persons/${id}`, { token: await login(email) })).status;
    expect(await status('rep1@example.com', 1)).toBe(200);
    expect(await status('rep3@example.com', 1)).toBe(404);
    expect(await status('rep3@example.com', 4)).toBe(200);
    expect(await status('manager@example.com', 4)).toBe(404);
    expect(await status('admin@example.com', 4)).toBe(200);
    const person = (await json(await call('/api/persons/1', { token: await login('rep1@example.com') }))).person;
    expect(person.lifecycleMeta).toEqual({ attendedCount: 1, noShowCount: 0, lastNoShowAt: null });
    expect(person.opportunities.some((o: { status: string }) => o.status === 'open')).toBe(true);
  });
});
