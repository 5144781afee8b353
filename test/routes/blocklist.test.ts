import { beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_MESSAGE } from '../../src/http/booking-guard';
import { call, env, json, login, seed } from '../helpers';

// SPEC 14: the organization's blocklist (admins only); a match refuses the booking with a
// neutral 403, is recorded for admins, and writes nothing else.
const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

const api = async (email: string, method: string, body?: unknown) =>
  call('/api/blocklist', { method, token: await login(email), ...(body !== undefined ? { body } : {}), now });

const book = (start: string, email: string, clientIp?: string) =>
  call('/api/public/pages/rosa-demo/bookings', { body: { start, name: 'Bo Blocked', email }, now, ...(clientIp ? { headers: { 'x-test-client-ip': clientIp } } : {}) });

const TABLES = ['bookings', 'booking_attendees', 'booking_series', 'manage_tokens', 'host_claims', 'email_outbox', 'persons', 'activities', 'blocklist_entries'];
async function counts(tables = TABLES): Promise<Record<string, number>> {
  const rows = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT COUNT(*) n FROM ${t}`)));
  return Object.fromEntries(tables.map((t, i) => [t, (rows[i].results[0] as { n: number }).n]));
}

describe('GET/PUT /api/blocklist', () => {
  it('an admin replaces and reads the list; entries are normalized and deduplicated', async () => {
    const put = await api('admin@example.com', 'PUT', { entries: ['*@Spam.Example', ' x@y.z ', 'x@y.z'] });
    expect(put.status, await put.clone().text()).toBe(200);
    expect((await json(put)).entries).toEqual(['*@spam.example', 'x@y.z']);
    const get = await api('admin@example.com', 'GET');
    expect(get.status).toBe(200);
    expect(await json(get)).toMatchObject({ entries: ['*@spam.example', 'x@y.z'], blocked: [] });
    // PUT replaces: an entry left out is gone.
    expect((await json(await api('admin@example.com', 'PUT', { entries: ['*@spam.example'] }))).entries).toEqual(['*@spam.example']);
  });

  it('only admins: other roles get 403, no session 401, and nothing changes', async () => {
    for (const who of ['manager@example.com', 'rep1@example.com', 'viewer@example.com']) {
      expect((await api(who, 'GET')).status).toBe(403);
      const res = await api(who, 'PUT', { entries: [] });
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('forbidden');
    }
    expect((await call('/api/blocklist')).status).toBe(401);
    expect((await json(await api('admin@example.com', 'GET'))).entries).toEqual(['*@spam.example']);
  });

  it('bad entries get 400 with the envelope and leave the list as it was', async () => {
    const bad = [
      { entries: ['not-an-email'] },
      { entries: ['*@'] },
      { entries: ['*@*.spam.example'] },
      { entries: ['a@b@c.d'] },
      { entries: ['example.com'] }, // a bare domain would be stored yet never match
      { entries: ['spam.example'] },
      { entries: [42] },
      { entries: 'x@y.z' },
      { entries: ['x@y.z'], extra: true },
      {},
      { entries: Array.from({ length: 1001 }, (_, i) => `u${i}@many.example`) },
    ];
    for (const body of bad) {
      const res = await api('admin@example.com', 'PUT', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await json(res)).error.code).toBe('validation_failed');
    }
    expect((await json(await api('admin@example.com', 'GET'))).entries).toEqual(['*@spam.example']);
  });

  it('a long list is stored whole (inserts sliced under the bound-parameter cap)', async () => {
    const entries = Array.from({ length: 250 }, (_, i) => `u${String(i).padStart(3, '0')}@many.example`);
    const res = await api('admin@example.com', 'PUT', { entries: [...entries, '*@spam.example'] });
    expect(res.status).toBe(200);
    expect((await json(res)).entries).toHaveLength(251);
  });
});

describe('a blocked booker', () => {
  beforeAll(async () => {
    await api('admin@example.com', 'PUT', { entries: ['*@spam.example', 'pest@example.org'] });
  });

  it('a domain or address match gets 403 with a neutral message, recorded for admins, and nothing else is written', async () => {
    const before = await counts();
    const byDomain = await book('2026-12-02T14:00:00Z', 'Anyone@SPAM.example', '203.0.113.7');
    expect(byDomain.status).toBe(403);
    expect(await json(byDomain)).toEqual({ error: { code: 'forbidden', message: BLOCKED_MESSAGE } });
    const byAddress = await book('2026-12-02T14:00:00Z', 'pest@example.org');
    expect(byAddress.status).toBe(403);
    expect((await json(byAddress)).error.message).toBe(BLOCKED_MESSAGE);
    expect(await counts()).toEqual(before);

    const { blocked } = await json(await api('admin@example.com', 'GET'));
    expect(blocked).toHaveLength(2);
    expect(blocked[0]).toMatchObject({ email: 'pest@example.org', entry: 'pest@example.org', pageSlug: 'rosa-demo' });
    expect(blocked[1]).toEqual({ email: 'anyone@spam.example', entry: '*@spam.example', pageSlug: 'rosa-demo', clientIp: '203.0.113.7', at: now });
  });

  it('near misses book as usual: a subdomain, another address at the same domain', async () => {
    expect((await book('2026-12-02T14:45:00Z', 'a@mail.spam.example')).status).toBe(201);
    expect((await book('2026-12-02T15:30:00Z', 'friend@example.org')).status).toBe(201);
  });

  it('non-admins cannot read the refusals either', async () => {
    expect((await api('manager@example.com', 'GET')).status).toBe(403);
  });
});

describe('query plans of the abuse tables', () => {
  const plan = async (sql: string, ...params: unknown[]) =>
    (await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>()).results.map((r) => r.detail).join(' | ');

  it('the booking check, the admins list and the pruning each use an index', async () => {
    expect(await plan('SELECT pattern FROM blocklist_entries WHERE pattern IN (?, ?) LIMIT 1', 'a@b.c', '*@b.c')).toMatch(/USING PRIMARY KEY/);
    const recent = await plan('SELECT email, entry, page_slug, client_ip, at FROM blocked_attempts ORDER BY at DESC, id DESC LIMIT ?', 50);
    expect(recent).toMatch(/SCAN blocked_attempts USING INDEX blocked_attempts_at_idx/);
    expect(recent).not.toMatch(/TEMP B-TREE/);
    expect(await plan('DELETE FROM blocked_attempts WHERE at < ?', 0)).toMatch(/SEARCH blocked_attempts USING (COVERING )?INDEX blocked_attempts_at_idx/);
    expect(await plan('DELETE FROM login_failures WHERE window_start <= ? AND email <> ?', 0, 'x')).toMatch(/login_failures_window_idx/);
    expect(await plan('SELECT window_start, failures FROM login_failures WHERE email = ?', 'x')).toMatch(/USING INDEX sqlite_autoindex_login_failures_1/);
  });
});
