import { beforeAll, describe, expect, it } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { app } from '../../src/app';
import { ORIGIN, call, json, login, seed, env } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';
const XSS = {
  name: '<img src=x onerror=alert(1)>',
  notes: '<script>alert("notes")</script>',
  answer: '"><svg onload=alert(2)>',
};

beforeAll(() => seed(new Date(NOW)));

describe('XSS payloads are rendered inert on all three pages', () => {
  let manageUrl = '';
  let bookingId = '';
  beforeAll(async () => {
    const admin = await login('admin@example.com');
    const page = await call('/api/scheduling-pages', {
      token: admin,
      now: NOW,
      body: {
        slug: 'xss-check',
        title: '<script>alert("title")</script>',
        description: '<iframe src="javascript:alert(3)"></iframe>',
        durationMinutes: 30,
        timezone: 'America/New_York',
        locationType: 'custom',
        locationValue: 'javascript:alert(4)',
        strategy: 'individual',
        hosts: [{ userId: 3 }],
        questions: [{ id: 'q1', label: '<b onmouseover=alert(5)>Q</b>', type: 'text', required: false }],
      },
    });
    expect(page.status).toBe(201);
    const res = await call('/api/public/pages/xss-check/bookings', {
      now: NOW,
      body: { start: '2026-12-01T14:00:00Z', name: XSS.name, email: 'xss@example.org', notes: XSS.notes, answers: { q1: XSS.answer } },
    });
    expect(res.status).toBe(201);
    ({ manageUrl } = await json(res));
    bookingId = (await json(await call(`/api/public/manage/${manageUrl.split('/').pop()}`))).booking.id;
    // A meeting URL that is not http(s) must never become a link.
    await env.DB.prepare("UPDATE bookings SET meeting_url = 'javascript:alert(6)' WHERE id = ?").bind(bookingId).run();
  });

  const assertInert = (html: string) => {
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toMatch(/<svg onload/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toMatch(/<b onmouseover/i);
    expect(html).not.toMatch(/href="javascript:/i);
    // The only scripts are our own files.
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/^<script src="\/[a-z]+\.js(\?v=[A-Za-z0-9]+)?" defer(="")?>$/);
  };

  it('the booking page', async () => {
    const html = await (await call('/b/xss-check', { now: NOW })).text();
    assertInert(html);
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
  });

  it('the Bookings page with every booker field', async () => {
    const token = await login('admin@example.com');
    const html = await (await call('/app/bookings?tab=upcoming&q=xss', { headers: { cookie: `session=${token}` }, now: NOW })).text();
    expect(html).toContain('xss@example.org');
    assertInert(html);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;notes&quot;)&lt;/script&gt;');
    expect(html).toContain('javascript:alert(6)'); // shown as text
  });

  it('the manage page', async () => {
    const path = new URL(manageUrl).pathname;
    const html = await (await call(path, { now: NOW })).text();
    assertInert(html);
  });

  it('the emails', async () => {
    const rows = await env.DB.prepare('SELECT html FROM email_outbox WHERE booking_id = ?').bind(bookingId).all<{ html: string }>();
    for (const r of rows.results) {
      expect(r.html).not.toMatch(/<script>alert|<img src=x|href="javascript:/i);
    }
  });
});

describe('every booking endpoint × every role', () => {
  // seed-b01 (rep1, West, upcoming) and seed-b06 (rep1, West, past).
  const USERS = ['admin', 'manager', 'rep1', 'rep2', 'viewer', 'rep3'];
  const VIEW: Record<string, number> = { admin: 200, manager: 200, rep1: 200, rep2: 404, viewer: 200, rep3: 404 };
  const ACT: Record<string, number> = { admin: 200, manager: 200, rep1: 200, rep2: 404, viewer: 403, rep3: 404 };
  for (const user of USERS) {
    it(`${user}: detail ${VIEW[user]}, actions ${ACT[user]}`, async () => {
      const token = await login(`${user}@example.com`);
      expect((await call('/api/bookings/seed-b01', { token, now: NOW })).status).toBe(VIEW[user]);
      // Attendance first (Past row), then link, then an invalid reschedule body: the permission
      // check comes before anything else, and a permitted call changes the booking.
      const attendance = await call('/api/bookings/seed-b06/attendance', { token, body: { status: 'attended' }, now: NOW });
      expect(attendance.status).toBe(ACT[user]);
      const link = await call('/api/bookings/seed-b01/manage-link', { method: 'POST', token, now: NOW });
      expect(link.status).toBe(ACT[user]);
      const cancelForeign = await call('/api/bookings/seed-b08/cancel', { token, body: {}, now: NOW });
      // seed-b08 is East's (rep3) and past: admin and rep3 see it and get invalid_state.
      expect(cancelForeign.status).toBe(user === 'admin' || user === 'rep3' ? 409 : 404);
    });
  }

  it('token guessing: random well-formed tokens all miss with the same answer', async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const res = await call(`/api/public/manage/${token}`);
      expect(res.status).toBe(404);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
  });
});

describe('headers, cookies, body size and existence oracles (SPEC 15)', () => {
  it('/app/* pages answer Cache-Control: no-store, the sign-in redirect too', async () => {
    const token = await login('rep1@example.com');
    const page = await call('/app/bookings', { headers: { cookie: `session=${token}` }, now: NOW });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const anonymous = await call('/app/bookings', { redirect: 'manual', now: NOW });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
  });

  it('in production every cookie is Secure, even when the request reached us over plain http', async () => {
    const production = { ...env, ENVIRONMENT: 'production' as const, SESSION_SECRET: 'a-production-secret-for-this-test-only' };
    const ctx = createExecutionContext();
    const fetchProd = (path: string, init: RequestInit) => app.fetch(new Request(`http://localhost:8787${path}`, init), production, ctx);
    const login = await fetchProd('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rep1@example.com', password: 'demo-password' }) });
    expect(login.status).toBe(200);
    const session = login.headers.get('set-cookie')!;
    expect(session).toMatch(/^session=/);
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    const { token } = (await login.json()) as { token: string };
    const apiLogout = await fetchProd('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(apiLogout.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    const formLogout = await fetchProd('/logout', { method: 'POST', headers: { origin: 'http://localhost:8787', 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(formLogout.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    await waitOnExecutionContext(ctx);
    // Development keeps plain-http cookies so localhost works.
    const dev = await call('/api/auth/login', { body: { email: 'rep1@example.com', password: 'demo-password' } });
    expect(dev.headers.get('set-cookie')).not.toMatch(/Secure/i);
  });

  const bigBooking = () => JSON.stringify({ start: '2026-12-01T15:00:00Z', name: 'Big Body', email: 'big@example.org', notes: 'x'.repeat(70 * 1024) });
  const bookingRows = async () => (await env.DB.prepare("SELECT COUNT(*) n FROM bookings WHERE booker_email = 'big@example.org'").first<{ n: number }>())!.n;

  it('a body over 64 KB gets 413 with the envelope, before anything parses it', async () => {
    const res = await call('/api/public/pages/ravi-intro/bookings', { rawBody: bigBooking(), now: NOW });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('validation_failed');
    const admin = await login('admin@example.com');
    const page = await call('/api/scheduling-pages/1', { method: 'PATCH', token: admin, rawBody: JSON.stringify({ description: 'y'.repeat(65 * 1024) }), now: NOW });
    expect(page.status).toBe(413);
    expect(await bookingRows()).toBe(0);
  });

  it('a chunked body without Content-Length is counted as it arrives: 413 too', async () => {
    const bytes = new TextEncoder().encode(bigBooking());
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const request = new Request(`${ORIGIN}/api/public/pages/ravi-intro/bookings`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-now': NOW }, body });
    expect(request.headers.get('content-length')).toBeNull();
    const res = await (exports as unknown as { default: { fetch: (r: Request) => Promise<Response> } }).default.fetch(request);
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('validation_failed');
    expect(await bookingRows()).toBe(0);
  });

  it('a body under the limit still reaches validation (400, not 413)', async () => {
    const res = await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-01T15:00:00Z', name: 'Big Body', email: 'big@example.org', notes: 'x'.repeat(6000) }, now: NOW });
    expect(res.status).toBe(400);
  });

  it('POST /api/scheduling-pages answers an unknown host id exactly like an existing one out of scope', async () => {
    const rep1 = await login('rep1@example.com');
    const create = (userId: number) =>
      call('/api/scheduling-pages', {
        token: rep1,
        now: NOW,
        body: { slug: `oracle-${userId}`, title: 'Oracle', durationMinutes: 30, timezone: 'America/New_York', locationType: 'phone', locationValue: '+1 555 0100', strategy: 'individual', hosts: [{ userId }] },
      });
    const outOfScope = await create(6); // rep3, East: exists
    const unknown = await create(987654);
    expect(outOfScope.status).toBe(unknown.status);
    expect(await outOfScope.text()).toBe(await unknown.text());
    expect(unknown.status).toBe(400);
    // PATCH answers alike too.
    const patch = (userId: number) => call('/api/scheduling-pages/1', { token: rep1, method: 'PATCH', now: NOW, body: { hosts: [{ userId }] } });
    const [a, b] = [await patch(6), await patch(987654)];
    expect(a.status).toBe(b.status);
    expect(await a.text()).toBe(await b.text());
  });
});
