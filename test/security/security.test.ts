import { beforeAll, describe, expect, it } from 'vitest';
import { call, json, login, seed, env } from '../helpers';

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
