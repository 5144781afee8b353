import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

const api = async (email: string, path: string, method = 'GET', body?: unknown) => call(path, { token: await login(email), method, body, now: NOW });
/** The HTML pages read the session cookie, as a browser sends it. */
const html = async (email: string, path: string) => call(path, { headers: { cookie: `session=${await login(email)}` }, now: NOW });

const slugs = async (email: string) => (await json(await api(email, '/api/scheduling-pages'))).pages.map((p: { slug: string }) => p.slug);
const pageRow = (id: number) => env.DB.prepare('SELECT * FROM scheduling_pages WHERE id = ?').bind(id).first();

// Seed: 1 ravi-intro (Ravi), 2 rosa-demo (Rosa), 3 west-sales (round robin Ravi + Rosa),
// 4 deal-review (collective Maya + Ravi), 5 west-webinar (group, Rosa), 6 jonas-beratung (Jonas, East).
describe('GET /api/scheduling-pages', () => {
  it('lists the pages with a host in the caller’s view scope, by title', async () => {
    expect(await slugs('admin@example.com')).toEqual(['jonas-beratung', 'deal-review', 'ravi-intro', 'west-webinar', 'rosa-demo', 'west-sales']);
    expect(await slugs('manager@example.com')).toEqual(['deal-review', 'ravi-intro', 'west-webinar', 'rosa-demo', 'west-sales']);
    expect(await slugs('viewer@example.com')).toEqual(['deal-review', 'ravi-intro', 'west-webinar', 'rosa-demo', 'west-sales']);
    expect(await slugs('rep1@example.com')).toEqual(['deal-review', 'ravi-intro', 'west-sales']);
    expect(await slugs('rep2@example.com')).toEqual(['west-webinar', 'rosa-demo', 'west-sales']);
    expect(await slugs('rep3@example.com')).toEqual(['jonas-beratung']);
  });

  it('each entry is the full page object, as GET /api/scheduling-pages/:id answers it', async () => {
    const { pages } = await json(await api('manager@example.com', '/api/scheduling-pages'));
    for (const page of pages) {
      expect(page).toEqual((await json(await api('manager@example.com', `/api/scheduling-pages/${page.id}`))).page);
    }
    expect(pages.find((p: { slug: string }) => p.slug === 'west-sales').hosts).toEqual([
      { userId: 3, weight: 2 },
      { userId: 4, weight: 1 },
    ]);
  });

  it('needs a session', async () => {
    expect((await call('/api/scheduling-pages')).status).toBe(401);
  });
});

describe('a page shared by several hosts', () => {
  it('a co-host sees a round-robin or collective page they host with someone outside their scope', async () => {
    // Before the fix this was 403: viewing asked for view scope on every host.
    expect((await api('rep2@example.com', '/api/scheduling-pages/3')).status).toBe(200);
    expect((await api('rep1@example.com', '/api/scheduling-pages/3')).status).toBe(200);
    expect((await api('rep1@example.com', '/api/scheduling-pages/4')).status).toBe(200);
  });

  it('changing or deleting it needs every host in scope (403); outside the view scope it is 404', async () => {
    const before = await pageRow(3);
    expect((await api('rep1@example.com', '/api/scheduling-pages/3', 'PATCH', { title: 'Mine now' })).status).toBe(403);
    expect((await api('rep2@example.com', '/api/scheduling-pages/3', 'PATCH', { active: false })).status).toBe(403);
    expect((await api('rep1@example.com', '/api/scheduling-pages/3', 'DELETE')).status).toBe(403);
    expect((await api('rep1@example.com', '/api/scheduling-pages/4', 'DELETE')).status).toBe(403);
    expect((await api('viewer@example.com', '/api/scheduling-pages/3', 'PATCH', { title: 'x' })).status).toBe(403);
    expect((await api('viewer@example.com', '/api/scheduling-pages/3', 'DELETE')).status).toBe(403);
    expect(await pageRow(3)).toEqual(before);
    for (const [email, id] of [['rep1@example.com', 2], ['rep3@example.com', 3], ['manager@example.com', 6]] as const) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await api(email, `/api/scheduling-pages/${id}`, method, method === 'PATCH' ? { title: 'x' } : undefined);
        expect(res.status, `${email} ${method} ${id}`).toBe(404);
      }
    }
    // The manager holds the whole team: both hosts are in scope.
    const res = await api('manager@example.com', '/api/scheduling-pages/3', 'PATCH', { title: 'Talk to the West team' });
    expect((await json(res)).page.title).toBe('Talk to the West team');
  });

  it('hosts named in a change must each be in the caller’s edit scope', async () => {
    const res = await api('rep1@example.com', '/api/scheduling-pages/1', 'PATCH', { strategy: 'round_robin', hosts: [{ userId: 3 }, { userId: 4 }] });
    expect(res.status).toBe(400);
    expect((await json(res)).error.issues).toEqual([{ path: ['hosts', 1, 'userId'], message: 'Pick a host within your edit scope' }]);
    expect((await json(await api('rep1@example.com', '/api/scheduling-pages/1'))).page.strategy).toBe('individual');
  });
});

describe('validation', () => {
  const valid = { slug: 'valid-page', title: 'Valid', durationMinutes: 30, timezone: 'America/New_York', locationType: 'google_meet', strategy: 'individual', hosts: [{ userId: 3 }] };

  it('a bad page is a 400 naming each field, and nothing is written', async () => {
    const count = () => env.DB.prepare('SELECT (SELECT COUNT(*) FROM scheduling_pages) p, (SELECT COUNT(*) FROM page_hosts) h').first();
    const before = await count();
    const res = await api('rep1@example.com', '/api/scheduling-pages', 'POST', { ...valid, slug: 'Bad Slug!', durationMinutes: 'long' });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('validation_failed');
    expect(error.issues.map((i: { path: unknown[] }) => i.path.join('.')).sort()).toEqual(['durationMinutes', 'slug']);
    const patch = await api('rep1@example.com', '/api/scheduling-pages/1', 'PATCH', { title: 'Fine', questions: [{ id: 'q', label: 'Pick', type: 'select', required: true }] });
    expect(patch.status).toBe(400);
    expect((await json(patch)).error.issues[0].path).toEqual(['questions', 0, 'options']);
    expect((await json(await api('rep1@example.com', '/api/scheduling-pages/1'))).page.title).not.toBe('Fine');
    expect(await count()).toEqual(before);
  });
});

describe('the HTML pages', () => {
  it('/app/pages lists a rep’s pages with links, strategy in words, hosts and switches where they may edit', async () => {
    const res = await html('rep1@example.com', '/app/pages');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = await res.text();
    expect(body).toContain('aria-current="page"');
    for (const text of ['Intro call with Ravi', 'href="/b/ravi-intro"', 'Round robin', 'Collective', 'Ravi Rep, Rosa Rep', 'href="/app/pages/new"']) expect(body).toContain(text);
    expect(body).not.toContain('Product demo');
    // A switch only on the page Ravi hosts alone.
    expect(body.match(/role="switch"/g)).toHaveLength(1);
    expect(body).toContain('data-copy="http://localhost:8787/b/west-sales"');
  });

  it('a viewer’s list has no create, edit or toggle actions', async () => {
    const body = await (await html('viewer@example.com', '/app/pages')).text();
    expect(body).toContain('Product demo');
    expect(body).not.toContain('role="switch"');
    expect(body).not.toContain('/app/pages/new');
    const editor = await html('viewer@example.com', '/app/pages/2');
    expect(editor.status).toBe(200);
    const text = await editor.text();
    expect(text).toContain('<fieldset class="pe-all" disabled');
    expect(text).not.toContain('Save changes');
    expect(text).not.toContain('data-delete-open');
    expect((await html('viewer@example.com', '/app/pages/new')).status).toBe(403);
  });

  it('the editor renders a page in scope with its fields named as the API’s, and the 404 page outside it', async () => {
    const res = await html('rep1@example.com', '/app/pages/1');
    expect(res.status).toBe(200);
    const body = await res.text();
    for (const name of ['title', 'slug', 'description', 'durationMinutes', 'timezone', 'locationType', 'locationValue', 'strategy', 'groupCapacity', 'hosts.userId', 'slotIntervalMinutes', 'minimumNoticeMinutes', 'horizonDays', 'bufferBeforeMinutes', 'bufferAfterMinutes', 'briefingEnabled', 'active']) {
      expect(body, name).toContain(`name="${name}"`);
    }
    expect(body).toContain('data-delete-open');
    const fresh = await (await html('rep1@example.com', '/app/pages/new')).text();
    expect(fresh).toContain('<option selected="">America/New_York</option>');
    expect(fresh).toMatch(/name="hosts.userId" value="3" checked/);
    for (const path of ['/app/pages/2', '/app/pages/6', '/app/pages/9999', '/app/pages/abc']) {
      const miss = await html('rep1@example.com', path);
      expect(miss.status, path).toBe(404);
      expect(await miss.text()).toContain('Page not found');
    }
    // A co-host sees a shared page read-only.
    const shared = await (await html('rep1@example.com', '/app/pages/3')).text();
    expect(shared).toContain('You can view this page, but not change it.');
  });

  it('without JavaScript the form posts to the page: issues beside their fields with what was typed, or saved', async () => {
    const post = async (email: string, path: string, fields: [string, string][], origin = 'http://localhost:8787') =>
      call(path, {
        method: 'POST',
        rawBody: new URLSearchParams(fields).toString(),
        headers: { cookie: `session=${await login(email)}`, origin, 'content-type': 'application/x-www-form-urlencoded' },
        now: NOW,
        redirect: 'manual',
      });
    const fields: [string, string][] = [
      ['title', 'Form call'],
      ['slug', 'Bad Slug!'],
      ['description', 'Typed & kept <b>'],
      ['durationMinutes', '25'],
      ['timezone', 'America/Chicago'],
      ['locationType', 'phone'],
      ['locationValue', '+1 555 0142'],
      ['strategy', 'individual'],
      ['hosts.userId', '3'],
      ['questions.0.id', ''],
      ['questions.0.label', 'Company'],
      ['questions.0.type', 'text'],
      ['questions.0.required', 'on'],
      ['active', 'on'],
    ];
    const bad = await post('rep1@example.com', '/app/pages/new', fields);
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).toMatch(/id="f-slug" name="slug" aria-invalid="true" aria-describedby="h-slug e-slug" value="Bad Slug!"/);
    expect(body).toMatch(/<span class="field-error" id="e-slug">Use 3–64 lowercase/);
    expect(body).toContain('Typed &amp; kept &lt;b&gt;');
    expect(body).toContain('value="Company"');
    expect(body).toContain('<option selected="">America/Chicago</option>');
    expect(await env.DB.prepare("SELECT COUNT(*) n FROM scheduling_pages WHERE title = 'Form call'").first('n')).toBe(0);

    const good = await post('rep1@example.com', '/app/pages/new', fields.map(([k, v]) => [k, k === 'slug' ? 'form-call' : v]));
    expect(good.status).toBe(303);
    const id = Number(/\/app\/pages\/(\d+)\?saved/.exec(good.headers.get('location')!)![1]);
    const page = (await json(await api('rep1@example.com', `/api/scheduling-pages/${id}`))).page;
    expect(page).toMatchObject({ slug: 'form-call', durationMinutes: 25, slotIntervalMinutes: 25, timezone: 'America/Chicago', briefingEnabled: false, active: true });
    expect(page.questions).toEqual([{ id: 'company', label: 'Company', type: 'text', required: true }]);
    const saved = await (await html('rep1@example.com', `/app/pages/${id}?saved`)).text();
    expect(saved).toContain('Saved. Your page is live at <a href="/b/form-call">');

    // The same scope rules as the API, and the same-origin rule for a cookie.
    expect((await post('rep1@example.com', '/app/pages/3', fields)).status).toBe(403);
    expect((await post('rep1@example.com', '/app/pages/2', fields)).status).toBe(404);
    expect((await post('rep1@example.com', `/app/pages/${id}`, fields, 'https://evil.example')).status).toBe(403);
    expect((await post('viewer@example.com', '/app/pages/new', fields)).status).toBe(403);
  });

  it('signed out, the pages send you to sign in', async () => {
    const res = await call('/app/pages', { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
  });
});

describe('deleting a page', () => {
  it('takes it out of the lists and the API; its bookings stay on the Bookings page', async () => {
    const created = await json(
      await api('rep1@example.com', '/api/scheduling-pages', 'POST', { slug: 'short-lived', title: 'Short lived', durationMinutes: 30, timezone: 'America/New_York', locationType: 'google_meet', strategy: 'individual', hosts: [{ userId: 3 }] }),
    );
    const id = created.page.id;
    const { slots } = await json(await call(`/api/public/pages/short-lived/slots?from=2026-11-24T00:00:00Z&to=2026-11-28T00:00:00Z`, { now: NOW }));
    const booked = await call('/api/public/pages/short-lived/bookings', { method: 'POST', body: { start: slots[0].start, name: 'Dana Booker', email: 'dana@example.org' }, now: NOW });
    expect(booked.status).toBe(201);

    // Renamed first: the old link 301s while the page lives, and leads nowhere once it is deleted.
    expect((await api('rep1@example.com', `/api/scheduling-pages/${id}`, 'PATCH', { slug: 'short-lived-2' })).status).toBe(200);
    expect((await call('/b/short-lived', { now: NOW, redirect: 'manual' })).status).toBe(301);
    expect((await api('rep1@example.com', `/api/scheduling-pages/${id}`, 'DELETE')).status).toBe(200);
    expect(await slugs('rep1@example.com')).not.toContain('short-lived-2');
    expect(await slugs('admin@example.com')).not.toContain('short-lived');
    expect((await api('rep1@example.com', `/api/scheduling-pages/${id}`)).status).toBe(404);
    expect((await api('rep1@example.com', `/api/scheduling-pages/${id}`, 'PATCH', { active: true })).status).toBe(404);
    expect((await api('rep1@example.com', `/api/scheduling-pages/${id}`, 'DELETE')).status).toBe(404);
    expect(await (await html('rep1@example.com', '/app/pages')).text()).not.toContain('Short lived');
    expect((await html('rep1@example.com', `/app/pages/${id}`)).status).toBe(404);
    expect((await call('/b/short-lived-2', { now: NOW })).status).toBe(404);
    expect((await call('/b/short-lived', { now: NOW, redirect: 'manual' })).status).toBe(404);
    expect((await pageRow(id))?.active).toBe(0);
    const { bookings } = await json(await api('rep1@example.com', '/api/bookings?tab=upcoming'));
    expect(bookings.map((b: { bookerEmail: string }) => b.bookerEmail)).toContain('dana@example.org');
  });
});
