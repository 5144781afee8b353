import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, ORIGIN, seed } from '../helpers';
import { hashToken } from '../../src/domain/tokens';
import { getDb } from '../../src/db/client';
import { teamMembersQuery } from '../../src/services/team';
import { liveTokenUserQuery } from '../../src/db/set-password-tokens';

const NOW = '2026-11-23T12:00:00Z';
const T0 = Date.parse(NOW);
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

beforeAll(() => seed(new Date(NOW)));

const api = async (email: string, path: string, method: string, body?: unknown, now = NOW) => call(path, { token: await login(email), method, body, now });

let seq = 0;
const person = (over: Record<string, unknown> = {}) => ({ name: 'Nia New', email: `nia${++seq}@example.com`, teamId: 1, role: 'sales_rep', ...over });

const counts = async () => {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM users) users, (SELECT COUNT(*) FROM set_password_tokens) tokens,
            (SELECT COUNT(*) FROM email_outbox) emails, (SELECT COUNT(*) FROM availability_rules) rules`,
  ).first();
  return row;
};

/** The link the invitation email carries, read from its outbox row (newest first). */
async function mailedToken(email: string): Promise<string> {
  const row = await env.DB.prepare(`SELECT text_body FROM email_outbox WHERE to_address = ? AND kind = 'set_password' ORDER BY created_at DESC, rowid DESC LIMIT 1`)
    .bind(email)
    .first<{ text_body: string }>();
  const m = row?.text_body.match(/\/set-password\/([A-Za-z0-9_-]+)/);
  if (!m) throw new Error(`no set-password link mailed to ${email}`);
  return m[1];
}

async function invite(over: Record<string, unknown> = {}, now = NOW) {
  const body = person(over);
  const res = await api('admin@example.com', '/api/users', 'POST', body, now);
  expect(res.status).toBe(201);
  const { user } = await json(res);
  return { user, token: await mailedToken(user.email) };
}

const setPassword = (token: string, password: string, now = NOW) => call('/api/auth/set-password', { body: { token, password }, now });

describe('POST /api/users (invite)', () => {
  it('an admin creates the user with a hashed single link, its email and default hours', async () => {
    const res = await api('admin@example.com', '/api/users', 'POST', { name: 'Nia New', email: 'Nia.New@Example.com', teamId: 1, role: 'sales_rep' });
    expect(res.status).toBe(201);
    const { user } = await json(res);
    expect(user).toMatchObject({ name: 'Nia New', email: 'nia.new@example.com', teamId: 1, role: 'sales_rep', timezone: 'America/New_York', locale: 'en' });

    const tokens = await env.DB.prepare('SELECT * FROM set_password_tokens WHERE user_id = ?').bind(user.id).all<Record<string, unknown>>();
    expect(tokens.results).toHaveLength(1);
    const stored = tokens.results[0];
    expect(stored).toMatchObject({ created_at: T0, expires_at: T0 + 72 * HOUR, used_at: null });

    const mail = await env.DB.prepare(`SELECT * FROM email_outbox WHERE to_address = 'nia.new@example.com'`).all<Record<string, string | number | null>>();
    expect(mail.results).toHaveLength(1);
    expect(mail.results[0]).toMatchObject({ kind: 'set_password', booking_id: null, created_at: T0 });
    const token = await mailedToken('nia.new@example.com');
    // 128 bits, base64url; only its SHA-256 is kept, and the raw token is only in the email.
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stored.hash).toBe(await hashToken(token));
    expect(String(mail.results[0].html)).toContain(`${ORIGIN}/set-password/${token}`);
    const anywhere = await env.DB.prepare(`SELECT COUNT(*) n FROM set_password_tokens WHERE hash = ?1 OR hash LIKE '%' || ?1 || '%'`).bind(token).first<{ n: number }>();
    expect(anywhere!.n).toBe(0);

    const rules = await env.DB.prepare('SELECT day, start_minute s, end_minute e FROM availability_rules WHERE user_id = ? ORDER BY day').bind(user.id).all();
    expect(rules.results).toEqual([1, 2, 3, 4, 5].map((day) => ({ day, s: 540, e: 1020 })));

    // No password works until the link is used.
    for (const password of ['', 'demo-password', 'x'.repeat(12)]) {
      expect((await call('/api/auth/login', { body: { email: 'nia.new@example.com', password: password || 'a' } })).status).toBe(401);
    }
  });

  it('takes an optional timezone and locale', async () => {
    const res = await api('admin@example.com', '/api/users', 'POST', person({ timezone: 'Europe/Berlin', locale: 'de', teamId: null }));
    expect(res.status).toBe(201);
    expect((await json(res)).user).toMatchObject({ timezone: 'Europe/Berlin', locale: 'de', teamId: null });
  });

  it('the invitation is written in the invited user’s language, its expiry by Intl, in the shared layout, escaped', async () => {
    const mailTo = (email: string) =>
      env.DB.prepare(`SELECT subject, html, text_body FROM email_outbox WHERE to_address = ? AND kind = 'set_password' ORDER BY rowid DESC LIMIT 1`)
        .bind(email)
        .first<{ subject: string; html: string; text_body: string }>();
    const { user, token } = await invite({ name: 'Grete <Gast> & Co', timezone: 'Europe/Berlin', locale: 'de' });
    const mail = (await mailTo(user.email))!;
    expect(mail.subject).toBe('Ada Admin hat Sie zu Bookings eingeladen');
    expect(mail.html).toMatch(/^<!doctype html><html lang="de">/);
    expect(mail.html).toContain('<table role="presentation"');
    expect(mail.html).toContain('Hallo Grete &lt;Gast&gt; &amp; Co,');
    expect(mail.html).not.toContain('<Gast>');
    expect(mail.html).toContain(`href="${ORIGIN}/set-password/${token}"`);
    expect(mail.text_body).toContain('Hallo Grete <Gast> & Co,');
    expect(mail.text_body).toContain(`Passwort festlegen: ${ORIGIN}/set-password/${token}`);
    // 72 h after 2026-11-23 12:00Z, in the invited user's zone, as German writes it.
    expect(mail.text_body).toContain('läuft in 72 Stunden ab, am Donnerstag, 26. November 2026 um 13:00 (Europe/Berlin)');
    for (const part of [mail.subject, mail.html, mail.text_body]) expect(part).not.toMatch(/invited you|Set your password|expires in/);

    // A new link keeps the language; without a locale the invitation is English.
    expect((await api('admin@example.com', `/api/users/${user.id}/invite`, 'POST')).status).toBe(200);
    const again = (await mailTo(user.email))!;
    expect(again.subject).toBe('Ada Admin hat Sie zu Bookings eingeladen');
    expect(again.text_body).toContain('Passwort festlegen:');
    const english = await invite();
    const plain = (await mailTo(english.user.email))!;
    expect(plain.subject).toBe('Ada Admin invited you to Bookings');
    expect(plain.html).toMatch(/^<!doctype html><html lang="en">/);
    expect(plain.text_body).toContain(`Set your password: ${ORIGIN}/set-password/${english.token}`);
  });

  it('managers, reps and viewers get 403 and nothing is written', async () => {
    const before = await counts();
    for (const email of ['manager@example.com', 'rep1@example.com', 'viewer@example.com']) {
      const res = await api(email, '/api/users', 'POST', person());
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('forbidden');
    }
    expect(await counts()).toEqual(before);
  });

  it('bad input gets 400 with the field named, and nothing is written', async () => {
    await invite({ email: 'taken@example.com' });
    const before = await counts();
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [person({ email: 'not-an-email' }), ['email']],
      [person({ email: 'TAKEN@example.com' }), ['email']],
      [person({ email: 'rep1@example.com' }), ['email']],
      [person({ role: 'overlord' }), ['role']],
      [person({ teamId: 999 }), ['teamId']],
      [person({ teamId: 'West' }), ['teamId']],
      [person({ name: '  ' }), ['name']],
      [person({ name: 'Eve\u202Eevil' }), ['name']],
      [person({ timezone: 'Mars/Olympus' }), ['timezone']],
      [person({ locale: 'xx' }), ['locale']],
      [{ ...person(), password: 'chosen-by-admin' }, []],
      [{ name: 'No email', teamId: 1, role: 'viewer' }, ['email']],
    ];
    for (const [body, path] of cases) {
      const res = await api('admin@example.com', '/api/users', 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = await json(res);
      expect(error.code).toBe('validation_failed');
      expect(error.issues.map((i: { path: unknown[] }) => i.path)).toContainEqual(path);
    }
    const dup = await json(await api('admin@example.com', '/api/users', 'POST', person({ email: 'Taken@Example.com' })));
    expect(dup.error.issues).toEqual([{ path: ['email'], message: 'Already has an account', code: 'custom' }]);
    expect(await counts()).toEqual(before);
  });

  it('two invitations of one address at once: one user, the other answered 400', async () => {
    const body = person({ email: 'twice@example.com' });
    const token = await login('admin@example.com');
    const answers = await Promise.all([0, 1].map(() => call('/api/users', { token, body, now: NOW })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 400]);
    const n = await env.DB.prepare(`SELECT (SELECT COUNT(*) FROM users WHERE email = 'twice@example.com') u, (SELECT COUNT(*) FROM email_outbox WHERE to_address = 'twice@example.com') m`).first();
    expect(n).toEqual({ u: 1, m: 1 });
  });
});

describe('POST /api/auth/set-password', () => {
  it('sets the password once, signs in like login, and the password then works for login', async () => {
    const { user, token } = await invite();
    const res = await setPassword(token, 'correct horse battery');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.user).toMatchObject({ id: user.id, email: user.email, role: 'sales_rep' });
    expect(res.headers.get('set-cookie')).toMatch(/^session=.*HttpOnly/i);
    expect((await json(await call('/api/me', { token: body.token }))).user.id).toBe(user.id);

    const again = await setPassword(token, 'another long password');
    expect(again.status).toBe(400);
    expect((await json(again)).error).toMatchObject({ code: 'validation_failed', issues: [{ path: ['token'] }] });

    expect((await call('/api/auth/login', { body: { email: user.email, password: 'another long password' } })).status).toBe(401);
    const signedIn = await call('/api/auth/login', { body: { email: user.email, password: 'correct horse battery' } });
    expect(signedIn.status).toBe(200);
    const used = await env.DB.prepare('SELECT used_at FROM set_password_tokens WHERE user_id = ?').bind(user.id).first<{ used_at: number }>();
    expect(used!.used_at).toBe(T0);
  });

  it('a link dies 72 hours after it was sent', async () => {
    const late = await invite();
    expect((await setPassword(late.token, 'correct horse battery', at(T0 + 72 * HOUR))).status).toBe(400);
    expect((await setPassword(late.token, 'correct horse battery', at(T0 + 100 * HOUR))).status).toBe(400);
    expect((await call('/api/auth/login', { body: { email: late.user.email, password: 'correct horse battery' } })).status).toBe(401);
    const inTime = await invite();
    expect((await setPassword(inTime.token, 'correct horse battery', at(T0 + 72 * HOUR - 60_000))).status).toBe(200);
  });

  it('unknown and malformed tokens and short passwords are refused; a refused attempt leaves the link usable', async () => {
    const { token } = await invite();
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [wrong, 'x', '', '../../etc', 'A'.repeat(22)]) {
      const res = await setPassword(bad, 'correct horse battery');
      expect(res.status).toBe(400);
      const { error } = await json(res);
      expect(error.issues).toEqual([{ path: ['token'], message: 'This link no longer works. Ask an admin for a new one.', code: 'custom' }]);
    }
    const short = await setPassword(token, 'elevenchars');
    expect(short.status).toBe(400);
    expect((await json(short)).error.issues[0].path).toEqual(['password']);
    expect((await setPassword(token, 'x'.repeat(201))).status).toBe(400);
    expect((await call('/api/auth/set-password', { body: { token, password: 'correct horse battery', role: 'admin' }, now: NOW })).status).toBe(400);
    expect((await setPassword(token, 'twelve chars')).status).toBe(200);
  });

  it('two uses of one link at once: exactly one succeeds, and its password is the one kept', async () => {
    const { user, token } = await invite();
    const passwords = ['first racer password', 'second racer password'];
    const answers = await Promise.all(passwords.map((p) => setPassword(token, p)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    const winner = passwords[answers.findIndex((r) => r.status === 200)];
    const loser = passwords.find((p) => p !== winner)!;
    expect((await call('/api/auth/login', { body: { email: user.email, password: winner } })).status).toBe(200);
    expect((await call('/api/auth/login', { body: { email: user.email, password: loser } })).status).toBe(401);
  });

  it('resending an invite kills the older link; an active user gets no new one', async () => {
    const { user, token: first } = await invite();
    const res = await api('admin@example.com', `/api/users/${user.id}/invite`, 'POST');
    expect(res.status).toBe(200);
    const second = await mailedToken(user.email);
    expect(second).not.toBe(first);
    expect((await setPassword(first, 'correct horse battery')).status).toBe(400);
    expect((await setPassword(second, 'correct horse battery')).status).toBe(200);
    expect((await api('admin@example.com', `/api/users/${user.id}/invite`, 'POST')).status).toBe(409);
    expect((await api('admin@example.com', '/api/users/3/invite', 'POST')).status).toBe(409);
    expect((await api('manager@example.com', `/api/users/${user.id}/invite`, 'POST')).status).toBe(403);
  });
});

describe('PATCH /api/users/:id', () => {
  it('an admin makes a rep a viewer, and the rep’s very next request has viewer permissions', async () => {
    const repToken = (await json(await call('/api/auth/login', { body: { email: 'rep2@example.com', password: 'demo-password' } }))).token;
    const edit = () => call('/api/scheduling-pages/2', { token: repToken, method: 'PATCH', body: { title: 'Product demo' }, now: NOW });
    expect((await edit()).status).toBe(200);
    const res = await api('admin@example.com', '/api/users/4', 'PATCH', { role: 'viewer' });
    expect(res.status).toBe(200);
    expect((await json(res)).user).toMatchObject({ id: 4, role: 'viewer' });
    expect((await edit()).status).toBe(403);
    expect((await json(await call('/api/me', { token: repToken }))).permissions).toEqual({ view: 'team', edit: null, delete: null });
    expect((await api('admin@example.com', '/api/users/4', 'PATCH', { role: 'sales_rep' })).status).toBe(200);
    expect((await edit()).status).toBe(200);
  });

  it('an admin moves a user to another team, and their scope follows at once', async () => {
    const managerToken = await login('manager@example.com');
    expect((await json(await call('/api/users', { token: managerToken }))).users.map((u: { id: number }) => u.id)).not.toContain(6);
    expect((await api('admin@example.com', '/api/users/6', 'PATCH', { teamId: 1 })).status).toBe(200);
    const visible = (await json(await call('/api/users', { token: managerToken }))).users.map((u: { id: number }) => u.id);
    expect(visible).toContain(6);
    expect((await api('admin@example.com', '/api/users/6', 'PATCH', { teamId: 2 })).status).toBe(200);
  });

  it('nobody changes their own role; an admin still changes their own name', async () => {
    for (const [email, id, role] of [['admin@example.com', 1, 'viewer'], ['viewer@example.com', 5, 'admin'], ['rep1@example.com', 3, 'sales_manager']] as const) {
      const res = await api(email, `/api/users/${id}`, 'PATCH', { role });
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('forbidden');
    }
    const roles = await env.DB.prepare('SELECT id, role FROM users WHERE id IN (1, 3, 5) ORDER BY id').all();
    expect(roles.results).toEqual([{ id: 1, role: 'admin' }, { id: 3, role: 'sales_rep' }, { id: 5, role: 'viewer' }]);
    expect((await api('admin@example.com', '/api/users/1', 'PATCH', { role: 'admin', name: 'Ada A. Admin' })).status).toBe(200);
  });

  it('a non-admin changes their own name, timezone and locale, but not their team', async () => {
    const res = await api('rep1@example.com', '/api/users/3', 'PATCH', { name: 'Ravi R.', timezone: 'Asia/Kolkata', locale: 'pt-BR' });
    expect(res.status).toBe(200);
    expect((await json(res)).user).toMatchObject({ id: 3, name: 'Ravi R.', timezone: 'Asia/Kolkata', locale: 'pt-BR', teamId: 1, role: 'sales_rep' });
    expect((await api('rep1@example.com', '/api/users/3', 'PATCH', { teamId: 2 })).status).toBe(403);
    expect((await api('rep1@example.com', '/api/users/3', 'PATCH', { teamId: 1, name: 'Ravi Rep', timezone: 'America/New_York', locale: 'en' })).status).toBe(200);
    const row = await env.DB.prepare('SELECT name, timezone, locale, team_id FROM users WHERE id = 3').first();
    expect(row).toEqual({ name: 'Ravi Rep', timezone: 'America/New_York', locale: 'en', team_id: 1 });
  });

  it('others: 404 outside the view scope, 403 inside it', async () => {
    const cases: [string, number, number][] = [
      ['rep1@example.com', 4, 404],
      ['rep1@example.com', 1, 404],
      ['viewer@example.com', 3, 403],
      ['manager@example.com', 3, 403],
      ['manager@example.com', 6, 404],
      ['rep3@example.com', 3, 404],
      ['admin@example.com', 999, 404],
    ];
    for (const [email, id, status] of cases) {
      expect((await api(email, `/api/users/${id}`, 'PATCH', { name: 'Renamed' })).status, `${email} → ${id}`).toBe(status);
    }
    const names = await env.DB.prepare(`SELECT COUNT(*) n FROM users WHERE name = 'Renamed'`).first<{ n: number }>();
    expect(names!.n).toBe(0);
  });

  it('bad input is 400 with the field named and changes nothing', async () => {
    for (const [body, path] of [
      [{ locale: 'klingon' }, ['locale']],
      [{ timezone: 'Nowhere/City' }, ['timezone']],
      [{ teamId: 999 }, ['teamId']],
      [{ role: 'overlord' }, ['role']],
      [{ name: '' }, ['name']],
      [{ email: 'new@example.com' }, []],
    ] as const) {
      const res = await api('admin@example.com', '/api/users/4', 'PATCH', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json(res)).error.issues.map((i: { path: unknown[] }) => i.path)).toContainEqual(path);
    }
    expect((await api('admin@example.com', '/api/users/abc', 'PATCH', { name: 'X' })).status).toBe(400);
    const row = await env.DB.prepare('SELECT name, email, role, team_id FROM users WHERE id = 4').first();
    expect(row).toEqual({ name: 'Rosa Rep', email: 'rep2@example.com', role: 'sales_rep', team_id: 1 });
  });
});

describe('/set-password/<token> page', () => {
  const form = (token: string, fields: Record<string, string>, origin = ORIGIN) =>
    call(`/set-password/${token}`, {
      method: 'POST',
      rawBody: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      redirect: 'manual',
      now: NOW,
    });

  it('a dead link says so and leaks nothing of whose it was; unknown, used and expired read the same', async () => {
    const used = await invite({ name: 'Uma Used' });
    expect((await setPassword(used.token, 'correct horse battery')).status).toBe(200);
    const expired = await invite({ name: 'Ezra Expired' });
    const pages = [];
    for (const [token, now] of [[used.token, NOW], [expired.token, at(T0 + 73 * HOUR)], ['A'.repeat(22), NOW], ['nonsense', NOW]]) {
      const res = await call(`/set-password/${token}`, { now });
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      const html = await res.text();
      expect(html).toContain('This link no longer works');
      for (const secret of ['Uma', 'Ezra', used.user.email, expired.user.email]) expect(html).not.toContain(secret);
      pages.push(html);
    }
    expect(new Set(pages).size).toBe(1);
  });

  it('a live link shows the form; the form post signs in and lands on the Bookings page', async () => {
    const { user, token } = await invite({ name: 'Fay Form' });
    const page = await call(`/set-password/${token}`, { now: NOW });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Fay Form');
    expect(html).toMatch(/<form method="post" action="\/set-password\/[A-Za-z0-9_-]{22}"/);
    expect(html).toContain('At least 12 characters');

    const short = await form(token, { password: 'too short', confirm: 'too short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/aria-invalid="true"[^>]*>|Use at least 12 characters/);
    const differ = await form(token, { password: 'correct horse battery', confirm: 'correct horse batter' });
    expect(differ.status).toBe(400);
    expect(await differ.text()).toContain('The two passwords differ');
    expect((await form(token, { password: 'correct horse battery', confirm: 'correct horse battery' }, 'https://evil.example')).status).toBe(403);

    const done = await form(token, { password: 'correct horse battery', confirm: 'correct horse battery' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/app/bookings');
    const cookie = done.headers.get('set-cookie')!.split(';')[0];
    const me = await call('/api/me', { headers: { cookie } });
    expect((await json(me)).user.id).toBe(user.id);
    expect((await form(token, { password: 'correct horse battery', confirm: 'correct horse battery' })).status).toBe(404);
  });

  it('/app/team is for admins only: everyone else gets the 404 page', async () => {
    const page = async (email: string, now = NOW) => call('/app/team', { headers: { cookie: `session=${await login(email)}` }, now });
    const admin = await page('admin@example.com');
    expect(admin.status).toBe(200);
    expect(admin.headers.get('cache-control')).toBe('no-store');
    const html = await admin.text();
    expect(html).toContain('aria-current="page"');
    // Each row: the user's own name (not their team's), email, team, role and invitation status.
    const row = (email: string) => html.slice(html.lastIndexOf('<tr', html.indexOf(email)), html.indexOf('</tr>', html.indexOf(email)));
    expect(row('rep1@example.com')).toContain('<span class="tm-name">Ravi Rep</span>');
    expect(row('rep1@example.com')).toMatch(/<option value="1" selected="">West<\/option>/);
    expect(row('rep1@example.com')).toMatch(/<option value="sales_rep" selected="">Sales rep<\/option>/);
    expect(row('rep1@example.com')).toContain('>Active<');
    const pending = await invite({ name: 'Ida Invited' });
    const again = await (await page('admin@example.com')).text();
    const start = again.lastIndexOf('<tr', again.indexOf(pending.user.email));
    expect(again.slice(start, again.indexOf('</tr>', start))).toMatch(/Ida Invited[\s\S]*>Invited<[\s\S]*Resend invite/);
    // Three days on, the unused link has expired: the admin sees so, and may send a new one.
    const later = await (await page('admin@example.com', at(T0 + 73 * HOUR))).text();
    const at73 = later.lastIndexOf('<tr', later.indexOf(pending.user.email));
    expect(later.slice(at73, later.indexOf('</tr>', at73))).toMatch(/>Invite expired<[\s\S]*Resend invite/);
    for (const email of ['manager@example.com', 'rep1@example.com', 'viewer@example.com']) {
      const res = await page(email);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('rep2@example.com');
    }
  });
});

describe('query plans', () => {
  const plan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql, params } = query.toSQL();
    const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
    return rows.results.map((r) => r.detail).join('\n');
  };

  it('a set-password link by primary key, its user by primary key', async () => {
    const steps = await plan(liveTokenUserQuery(getDb(env.DB), 'x', T0));
    expect(steps).toMatch(/SEARCH set_password_tokens USING INDEX sqlite_autoindex_set_password_tokens_1 \(hash=\?\)/);
    expect(steps).toMatch(/SEARCH users USING INTEGER PRIMARY KEY/);
    expect(steps).not.toMatch(/^SCAN /m);
  });

  it('the Team page walks the users once; each status is a probe of the user index', async () => {
    const steps = await plan(teamMembersQuery(getDb(env.DB), T0));
    expect(steps.match(/^SCAN .*/gm)).toEqual([expect.stringMatching(/^SCAN users\b/)]);
    expect(steps.match(/SEARCH t USING (COVERING )?INDEX set_password_tokens_user_idx \(user_id=\?.*\)/g)?.length).toBe(3);
    expect(steps).toMatch(/SEARCH teams USING INTEGER PRIMARY KEY/);
  });
});
