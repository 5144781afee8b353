import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { LOGIN_FAILURE_LIMIT } from '../../src/services/abuse-login';
import { limitKey } from '../../src/http/client-ip';
import { call, env, json, seed } from '../helpers';

// SPEC 14: the Workers Rate Limiting bindings of wrangler.toml, simulated by miniflare (the same
// code path as production). Each test acts from addresses of its own (X-Test-Client-IP).
const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();
const run = crypto.randomUUID().slice(0, 8);
const ip = (n: number) => `192.0.${(n >> 8) & 255}.${n & 255}`;
let ipSeq = Math.floor(Math.random() * 50_000);
const newIp = () => ip(ipSeq++ % 65_536);

beforeAll(() => seed(NOW));

const book = (start: string, email: string, clientIp: string) =>
  call('/api/public/pages/rosa-demo/bookings', { body: { start, name: 'Loop Booker', email }, now, headers: { 'x-test-client-ip': clientIp } });

async function freeStarts(from: string, to: string): Promise<string[]> {
  const res = await call(`/api/public/pages/rosa-demo/slots?from=${from}&to=${to}`, { now });
  expect(res.status).toBe(200);
  return (await json(res)).slots.map((s: { start: string }) => s.start);
}

async function written(emails: string[]) {
  const marks = emails.map(() => '?').join(', ');
  const q = (sql: string) => env.DB.prepare(sql.replace('$', marks)).bind(...emails).first<{ n: number }>().then((r) => r!.n);
  return {
    bookings: await q('SELECT COUNT(*) n FROM bookings WHERE booker_email IN ($)'),
    outbox: await q('SELECT COUNT(*) n FROM email_outbox WHERE to_address IN ($)'),
    persons: await q('SELECT COUNT(*) n FROM persons WHERE email IN ($)'),
  };
}

async function expectRateLimited(res: Response) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = await json(res);
  expect(body.error).toMatchObject({ code: 'rate_limited' });
  return body;
}

describe('public booking limits', () => {
  it('one client IP booking in a loop meets 429 before 40 attempts, and refused attempts write nothing', { timeout: 60_000 }, async () => {
    const starts = await freeStarts('2026-12-07T00:00:00Z', '2026-12-12T00:00:00Z');
    expect(starts.length).toBeGreaterThanOrEqual(40);
    const clientIp = newIp();
    const statuses: number[] = [];
    const refused: string[] = [];
    let firstRefusal: Response | undefined;
    for (let i = 0; i < 40; i++) {
      const email = `loop-${run}-${i}@example.org`;
      const res = await book(starts[i], email, clientIp);
      statuses.push(res.status);
      if (res.status === 429) {
        refused.push(email);
        firstRefusal ??= res;
      } else await res.body?.cancel();
    }
    const firstLimited = statuses.indexOf(429);
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThan(40);
    // Until the limit every attempt booked. (The simulated windows are aligned to the minute, so
    // a loop that straddles one may book again after it: only 201 or 429, never anything else.)
    expect(statuses.slice(0, firstLimited).every((s) => s === 201)).toBe(true);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    await expectRateLimited(firstRefusal!);
    expect(await written(refused)).toEqual({ bookings: 0, outbox: 0, persons: 0 });
    // Another client is not held back by this one.
    expect((await book(starts[39], `other-${run}@example.org`, newIp())).status).toBe(201);
  });

  it('a booker changing their booking in a loop from one client meets 429 before 40, and refused changes send nothing', { timeout: 60_000 }, async () => {
    const starts = await freeStarts('2026-12-14T00:00:00Z', '2026-12-19T00:00:00Z');
    const email = `mover-${run}@example.org`;
    const created = await book(starts[0], email, newIp());
    expect(created.status).toBe(201);
    const token = ((await json(created)).manageUrl as string).split('/').pop();
    const clientIp = newIp();
    const statuses: number[] = [];
    let outboxAtRefusal = -1;
    for (let i = 1; i <= 40 && !statuses.includes(429); i++) {
      if (i > 1) outboxAtRefusal = (await written([email])).outbox;
      const res = await call(`/api/public/manage/${token}/reschedule`, { body: { start: starts[i % 2 ? 1 : 0] }, now, headers: { 'x-test-client-ip': clientIp } });
      statuses.push(res.status);
      if (res.status === 429) await expectRateLimited(res);
      else await res.body?.cancel();
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 200)).toBe(true);
    // The refused change queued no email.
    expect((await written([email])).outbox).toBe(outboxAtRefusal);
  });

  it('one booker email from many addresses meets 429 too', { timeout: 60_000 }, async () => {
    const starts = await freeStarts('2026-12-14T00:00:00Z', '2026-12-17T00:00:00Z');
    const email = `same-${run}@example.org`;
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await book(starts[i], email, newIp())).status);
    const firstLimited = statuses.indexOf(429);
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThan(21); // 10 a minute: within two windows if the loop straddles one
    expect((await written([email])).bookings).toBe(statuses.filter((s) => s === 201).length);
  });

  it('many bookers racing for one slot from their own addresses all get a clean answer: one 201, the rest 409', { timeout: 60_000 }, async () => {
    const [start] = await freeStarts('2026-12-17T00:00:00Z', '2026-12-18T00:00:00Z');
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => book(start, `race-${run}-${i}@example.org`, newIp())));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(59);
  });
});

describe('slot reads', () => {
  it('one client IP reading slots in a loop meets 429; other clients still read', { timeout: 60_000 }, async () => {
    const clientIp = newIp();
    const path = '/api/public/pages/rosa-demo/slots?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z';
    let limitedAt = -1;
    for (let i = 0; i < 250 && limitedAt < 0; i++) {
      const res = await call(path, { now, headers: { 'x-test-client-ip': clientIp } });
      if (res.status === 429) {
        limitedAt = i;
        await expectRateLimited(res);
      } else {
        expect(res.status).toBe(200);
        await res.body?.cancel();
      }
    }
    expect(limitedAt).toBeGreaterThanOrEqual(60); // a person browsing months never meets it
    expect((await call(path, { now, headers: { 'x-test-client-ip': newIp() } })).status).toBe(200);
  });

  it('one client IP reloading a booking page in a loop meets 429 (the page computes slots into its HTML)', { timeout: 60_000 }, async () => {
    const clientIp = newIp();
    let limitedAt = -1;
    for (let i = 0; i < 250 && limitedAt < 0; i++) {
      const res = await call('/b/rosa-demo', { now, headers: { 'x-test-client-ip': clientIp } });
      if (res.status === 429) {
        limitedAt = i;
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      } else expect(res.status).toBe(200);
      await res.body?.cancel();
    }
    expect(limitedAt).toBeGreaterThanOrEqual(60);
    expect((await call('/b/rosa-demo', { now, headers: { 'x-test-client-ip': newIp() } })).status).toBe(200);
  });

  it('production ignores X-Test-Client-IP and counts by CF-Connecting-IP', { timeout: 60_000 }, async () => {
    const production = { ...env, ENVIRONMENT: 'production' as const };
    const from = new Date(Date.now() + 86_400_000).toISOString();
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const get = (headers: Record<string, string>) =>
      app.fetch(new Request(`http://localhost:8787/api/public/pages/rosa-demo/slots?from=${from}&to=${to}`, { headers }), production);
    // A fresh X-Test-Client-IP each time changes nothing in production: one CF-Connecting-IP is one client.
    const cfIp = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 250 && !statuses.includes(429); i++) statuses.push((await get({ 'cf-connecting-ip': cfIp, 'x-test-client-ip': newIp() })).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  });
});

describe('login', () => {
  const login = (email: string, password: string, opts: { at?: Date; clientIp?: string } = {}) =>
    call('/api/auth/login', { body: { email, password }, now: opts.at ?? NOW, headers: { 'x-test-client-ip': opts.clientIp ?? newIp() } });

  it('one client IP trying passwords in a loop meets 429', { timeout: 60_000 }, async () => {
    const clientIp = newIp();
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await login(`guess-${run}-${i}@example.com`, 'wrong', { clientIp })).status);
    const firstLimited = statuses.indexOf(429);
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThan(41);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it(`${LOGIN_FAILURE_LIMIT} wrong passwords lock the email for 15 minutes: even the right one gets 429 until then`, async () => {
    const email = 'viewer@example.com';
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) expect((await login(email, `wrong-${i}`)).status).toBe(401);
    const locked = await login(email, 'wrong-again');
    await expectRateLimited(locked);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    // The right password from a fresh address is refused as well: a lock that let it through
    // would tell a guesser when they had it.
    const right = await login(email, 'demo-password', { at: new Date(NOW.getTime() + 14 * 60_000) });
    expect(await expectRateLimited(right)).not.toHaveProperty('token');
    // Once the window is over the right password works, and the count starts again.
    const later = new Date(NOW.getTime() + 15 * 60_000 + 1000);
    const ok = await login(email, 'demo-password', { at: later });
    expect(ok.status).toBe(200);
    expect(await json(ok)).toHaveProperty('token');
    expect((await login(email, 'wrong', { at: later })).status).toBe(401);
  });

  it('an unknown email is locked the same way (the lock tells nothing about accounts)', async () => {
    const email = `nobody-${run}@example.com`;
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) expect((await login(email, 'wrong')).status).toBe(401);
    await expectRateLimited(await login(email, 'wrong'));
  });

  it('a successful sign-in clears earlier failures', async () => {
    const email = 'rep2@example.com';
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) expect((await login(email, 'wrong')).status).toBe(401);
    expect((await login(email, 'demo-password')).status).toBe(200);
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) expect((await login(email, 'wrong')).status).toBe(401);
    expect((await login(email, 'demo-password')).status).toBe(200);
  });

  it('the sign-in form is limited the same way and answers with the form', async () => {
    const email = `form-${run}@example.com`;
    const form = (password: string) =>
      call('/login', {
        rawBody: new URLSearchParams({ email, password }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:8787', 'x-test-client-ip': newIp() },
        redirect: 'manual',
      });
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) expect((await form('wrong')).status).toBe(401);
    const res = await form('wrong');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await res.text()).toContain('Too many failed sign-ins');
  });
});

describe('who counts as one client', () => {
  it('an IPv4 address as is; IPv6 by its /64, however it is written', () => {
    expect(limitKey('203.0.113.9')).toBe('203.0.113.9');
    expect(limitKey('::ffff:203.0.113.9')).toBe('::ffff:203.0.113.9');
    expect(limitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:0DB8:0001:0002:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
  });

  it('fresh IPv6 addresses inside one /64 share the booking limit', { timeout: 60_000 }, async () => {
    const starts = await freeStarts('2026-12-21T00:00:00Z', '2026-12-25T00:00:00Z');
    const prefix = `2001:db8:${(ipSeq++ % 65_536).toString(16)}:7`;
    const statuses: number[] = [];
    for (let i = 0; i < 41 && !statuses.includes(429); i++) statuses.push((await book(starts[i], `v6-${run}-${i}@example.org`, `${prefix}:${i.toString(16)}::1`)).status);
    expect(statuses).toContain(429);
  });
});
