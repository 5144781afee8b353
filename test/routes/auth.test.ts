import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { pruneExpiredSessions } from '../../src/http/session';

beforeAll(() => seed());

describe('login', () => {
  it('signs a seeded user in and sets an HttpOnly session cookie', async () => {
    const res = await call('/api/auth/login', { body: { email: 'rep1@example.com', password: 'demo-password' } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.user).toMatchObject({ email: 'rep1@example.com', role: 'sales_rep', timezone: 'America/New_York' });
    expect(typeof body.token).toBe('string');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('refuses a wrong password and an unknown email the same way', async () => {
    for (const body of [
      { email: 'rep1@example.com', password: 'nope' },
      { email: 'nobody@example.com', password: 'demo-password' },
    ]) {
      const res = await call('/api/auth/login', { body });
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual({ error: { code: 'unauthenticated', message: 'Email or password is incorrect' } });
    }
  });

  it('accepts the session cookie as well as the Bearer token', async () => {
    const token = await login('manager@example.com');
    const res = await call('/api/me', { headers: { cookie: `session=${token}` } });
    expect(res.status).toBe(200);
    expect((await json(res)).user.email).toBe('manager@example.com');
  });

  it('answers 401 without a session and with a tampered token', async () => {
    expect((await call('/api/me')).status).toBe(401);
    const token = await login('manager@example.com');
    const res = await call('/api/me', { token: token.slice(0, -2) + 'xx' });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthenticated');
  });
});

describe('logout', () => {
  const signIn = async (email: string) => (await json(await call('/api/auth/login', { body: { email, password: 'demo-password' } }))).token as string;

  it('ends that session at once: the same token is refused afterwards, other sessions live on', async () => {
    const phone = await signIn('rep2@example.com');
    const laptop = await signIn('rep2@example.com');
    expect((await call('/api/me', { token: phone })).status).toBe(200);
    expect((await call('/api/auth/logout', { method: 'POST', token: phone })).status).toBe(200);
    expect((await call('/api/me', { token: phone })).status).toBe(401);
    expect((await call('/api/bookings?tab=upcoming', { token: phone })).status).toBe(401);
    expect((await call('/api/me', { token: laptop })).status).toBe(200);
  });

  it('signing out of the Bookings page ends the cookie’s session, not just the cookie', async () => {
    const token = await signIn('manager@example.com');
    const cookie = `session=${token}`;
    expect((await call('/app/bookings', { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    const out = await call('/logout', { method: 'POST', headers: { cookie, origin: 'http://localhost:8787' }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/session=;/);
    // A copy of the old cookie (another tab, a stolen one) no longer opens the page.
    const again = await call('/app/bookings', { headers: { cookie }, redirect: 'manual' });
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toMatch(/^\/login/);
  });

  it('a cross-site logout is refused and the session lives on', async () => {
    const token = await signIn('viewer@example.com');
    const res = await call('/logout', { method: 'POST', headers: { cookie: `session=${token}`, origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect((await call('/api/me', { token })).status).toBe(200);
  });

  it('the cron forgets expired sessions, and their tokens stay refused', async () => {
    const token = await signIn('rep3@example.com');
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE email = 'rep3@example.com')").bind(Date.now() - 1).run();
    expect((await call('/api/me', { token })).status).toBe(401);
    expect(await pruneExpiredSessions(env)).toBeGreaterThanOrEqual(1);
    const left = await env.DB.prepare("SELECT COUNT(*) n FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = 'rep3@example.com')").first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});

describe('GET /api/me', () => {
  const expected = {
    'admin@example.com': { view: 'all', edit: 'all', delete: 'all' },
    'manager@example.com': { view: 'team', edit: 'team', delete: 'team' },
    'rep1@example.com': { view: 'own', edit: 'own', delete: 'own' },
    'rep2@example.com': { view: 'own', edit: 'own', delete: 'own' },
    'rep3@example.com': { view: 'own', edit: 'own', delete: 'own' },
    'viewer@example.com': { view: 'team', edit: null, delete: null },
  };
  for (const [email, permissions] of Object.entries(expected)) {
    it(`answers ${email}'s role scopes`, async () => {
      const res = await call('/api/me', { token: await login(email) });
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.permissions).toEqual(permissions);
      expect(Object.keys(body.user).sort()).toEqual(['email', 'id', 'locale', 'name', 'role', 'teamId', 'timezone']);
    });
  }
});
