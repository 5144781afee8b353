import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, login, seed } from '../helpers';

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
      expect(Object.keys(body.user).sort()).toEqual(['email', 'id', 'name', 'role', 'teamId', 'timezone']);
    });
  }
});
