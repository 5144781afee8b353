import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { call, env, login, seed } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

/** Row counts and a checksum of every mutable table: equal before and after means nothing changed. */
async function fingerprint(): Promise<string> {
  const tables = ['bookings', 'booking_attendees', 'manage_tokens', 'host_claims', 'email_outbox', 'persons', 'activities', 'scheduling_pages', 'page_hosts', 'availability_rules', 'availability_overrides', 'users', 'round_robin_cursors'];
  const parts = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT COUNT(*) n, TOTAL(LENGTH(CAST(${t}.rowid AS TEXT))) s FROM ${t}`)));
  const statuses = await env.DB.prepare("SELECT GROUP_CONCAT(id || ':' || status || ':' || COALESCE(attendance, '') || ':' || COALESCE((SELECT GROUP_CONCAT(hash) FROM manage_tokens t WHERE t.series_id = b.series_id), ''), ',') g FROM (SELECT * FROM bookings ORDER BY id) AS b").first<{ g: string }>();
  const pages = await env.DB.prepare("SELECT GROUP_CONCAT(slug || ':' || title || ':' || active || ':' || briefing_enabled, ',') g FROM scheduling_pages").first<{ g: string }>();
  return JSON.stringify([parts.map((p) => p.results[0]), statuses, pages]);
}

const json = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom('start', 'name', 'email', 'phone', 'notes', 'timezone', 'answers', 'reason', 'message', 'status', 'slug', 'title', 'durationMinutes', 'hosts', 'strategy', 'weekly', 'overrides', 'password'), fc.jsonValue()),
);

const ENDPOINTS: { method: string; path: string; auth: boolean }[] = [
  { method: 'POST', path: '/api/auth/login', auth: false },
  { method: 'POST', path: '/api/public/pages/ravi-intro/bookings', auth: false },
  { method: 'POST', path: '/api/public/pages/west-webinar/bookings', auth: false },
  { method: 'POST', path: `/api/public/manage/${'A'.repeat(43)}/cancel`, auth: false },
  { method: 'POST', path: `/api/public/manage/${'A'.repeat(43)}/reschedule`, auth: false },
  { method: 'POST', path: '/api/bookings/seed-b01/reschedule', auth: true },
  { method: 'POST', path: '/api/bookings/seed-b01/cancel', auth: true },
  { method: 'POST', path: '/api/bookings/seed-b06/attendance', auth: true },
  { method: 'POST', path: '/api/scheduling-pages', auth: true },
  { method: 'PATCH', path: '/api/scheduling-pages/1', auth: true },
  { method: 'PUT', path: '/api/users/3/availability', auth: true },
];

describe('fuzzing every JSON endpoint', () => {
  it('random and schema-violating bodies never get a 500, and a refused one changes nothing', async () => {
    const token = await login('admin@example.com');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.oneof(json.map((j) => JSON.stringify(j)), fc.string()), async (endpoint, body) => {
        const before = await fingerprint();
        const res = await call(endpoint.path, { method: endpoint.method, rawBody: body, token: endpoint.auth ? token : undefined, now: NOW });
        expect(res.status, `${endpoint.method} ${endpoint.path} ${body}`).toBeLessThan(500);
        const text = await res.text();
        if (res.status >= 400) {
          expect(JSON.parse(text).error.code).toMatch(/^[a-z_]+$/);
          expect(await fingerprint(), `${endpoint.method} ${endpoint.path} ${body}`).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('random query strings and headers never get a 500', async () => {
    const token = await login('manager@example.com');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/bookings', '/api/public/pages/ravi-intro/slots', '/api/users', '/api/me', '/api/bookings/seed-b01', '/api/persons/1'),
        fc.dictionary(fc.constantFrom('tab', 'limit', 'cursor', 'q', 'pageId', 'hostId', 'from', 'to', 'timezone', 'x'), fc.string({ maxLength: 40 })),
        fc.constantFrom('', 'Bearer garbage', 'Basic x', `Bearer ${token}`, 'Bearer '),
        fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
        async (path, query, authorization, testNow) => {
          const qs = new URLSearchParams(query).toString();
          const headers: Record<string, string> = {};
          if (authorization) headers.authorization = authorization;
          if (testNow !== undefined) headers['x-test-now'] = testNow.replace(/[^\x20-\x7e]/g, '');
          const res = await call(`${path}${qs ? `?${qs}` : ''}`, { headers });
          expect(res.status, `${path}?${qs}`).toBeLessThan(500);
          await res.arrayBuffer();
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
