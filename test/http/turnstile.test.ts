import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { app } from '../../src/app';
import { call, env, freshClientIp, json, seed } from '../helpers';

// SPEC 14: optional Turnstile. The secret is set per request through the env the app is called
// with; siteverify is a fake behind an intercepted fetch that refuses every other URL.
const NOW = new Date('2026-11-23T12:00:00Z');
const FAKE = 'https://turnstile.fake';
const withTurnstile = { ...env, TURNSTILE_SECRET_KEY: 'test-secret', TURNSTILE_SITE_KEY: 'test-site-key', TURNSTILE_BASE_URL: FAKE };

beforeAll(() => seed(NOW));

type Verify = { url: string; body: Record<string, unknown> };

function fakeSiteverify(answer: { success: boolean } | 'network-error') {
  const calls: Verify[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url !== `${FAKE}/turnstile/v0/siteverify`) throw new Error(`unexpected outbound fetch to ${request.url}`);
    calls.push({ url: request.url, body: await request.json() });
    if (answer === 'network-error') throw new TypeError('fetch failed');
    return Response.json(answer);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

async function request(bindings: typeof env, path: string, init: { body?: unknown; clientIp?: string } = {}) {
  const headers: Record<string, string> = { 'x-test-now': NOW.toISOString(), 'x-test-client-ip': init.clientIp ?? freshClientIp() };
  if (init.body) headers['content-type'] = 'application/json';
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`http://localhost:8787${path}`, { method: init.body ? 'POST' : 'GET', headers, body: init.body ? JSON.stringify(init.body) : undefined }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

const booking = (start: string, email: string, extra: Record<string, unknown> = {}) => ({ start, name: 'Tess Turn', email, ...extra });
const countFor = async (email: string) => {
  const q = (sql: string) => env.DB.prepare(sql).bind(email).first<{ n: number }>().then((r) => r!.n);
  return { bookings: await q('SELECT COUNT(*) n FROM bookings WHERE booker_email = ?'), outbox: await q('SELECT COUNT(*) n FROM email_outbox WHERE to_address = ?') };
};

describe('Turnstile on the booking form', () => {
  it('without the secret there is no challenge: no token needed, siteverify never called, no widget', async () => {
    const calls = fakeSiteverify({ success: false });
    const res = await call('/api/public/pages/rosa-demo/bookings', { body: booking('2026-12-01T14:00:00Z', 'plain@example.org'), now: NOW });
    expect(res.status).toBe(201);
    expect(calls).toEqual([]);
    const page = await call('/b/rosa-demo');
    expect(await page.text()).not.toContain('cf-turnstile');
    expect(page.headers.get('content-security-policy')).not.toContain('challenges.cloudflare.com');
  });

  it('with the secret, a token siteverify accepts books; the secret, token and client IP are what is checked', async () => {
    const calls = fakeSiteverify({ success: true });
    const clientIp = freshClientIp();
    const res = await request(withTurnstile, '/api/public/pages/rosa-demo/bookings', { body: booking('2026-12-01T14:45:00Z', 'human@example.org', { turnstileToken: 'tok-good' }), clientIp });
    expect(res.status).toBe(201);
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ secret: 'test-secret', response: 'tok-good', remoteip: clientIp });
  });

  it('a token siteverify refuses gets 403 and writes nothing', async () => {
    fakeSiteverify({ success: false });
    const res = await request(withTurnstile, '/api/public/pages/rosa-demo/bookings', { body: booking('2026-12-01T15:30:00Z', 'bot@example.org', { turnstileToken: 'tok-bad' }) });
    expect(res.status).toBe(403);
    expect((await json(res)).error).toMatchObject({ code: 'forbidden' });
    expect(await countFor('bot@example.org')).toEqual({ bookings: 0, outbox: 0 });
  });

  it('an unreachable siteverify counts as a failed check', async () => {
    fakeSiteverify('network-error');
    const res = await request(withTurnstile, '/api/public/pages/rosa-demo/bookings', { body: booking('2026-12-01T15:30:00Z', 'unsure@example.org', { turnstileToken: 'tok' }) });
    expect(res.status).toBe(403);
    expect(await countFor('unsure@example.org')).toEqual({ bookings: 0, outbox: 0 });
  });

  it('a missing token gets 400 on turnstileToken, without calling siteverify, and writes nothing', async () => {
    const calls = fakeSiteverify({ success: true });
    const res = await request(withTurnstile, '/api/public/pages/rosa-demo/bookings', { body: booking('2026-12-01T16:15:00Z', 'notoken@example.org') });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('validation_failed');
    expect(error.issues.map((i: { path: string[] }) => i.path)).toEqual([['turnstileToken']]);
    expect(calls).toEqual([]);
    expect(await countFor('notoken@example.org')).toEqual({ bookings: 0, outbox: 0 });
  });

  it('the booking page carries the widget and allows its origin in the CSP only when configured', async () => {
    const res = await request(withTurnstile, '/b/rosa-demo');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('class="cf-turnstile" data-sitekey="test-site-key"');
    expect(html).toContain('src="https://challenges.cloudflare.com/turnstile/v0/api.js"');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' https:\/\/challenges\.cloudflare\.com/);
    expect(csp).toMatch(/frame-src 'self' https:\/\/challenges\.cloudflare\.com/);
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
