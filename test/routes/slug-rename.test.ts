import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

let admin = '';
let pageId = 0;
let managePath = '';

const get = (path: string) => call(path, { now: NOW, redirect: 'manual' });
const rename = (id: number, slug: string) => call(`/api/scheduling-pages/${id}`, { token: admin, method: 'PATCH', now: NOW, body: { slug } });
const newPage = (slug: string) =>
  call('/api/scheduling-pages', {
    token: admin,
    now: NOW,
    body: { slug, title: 'Renamed call', durationMinutes: 30, timezone: 'America/New_York', locationType: 'phone', locationValue: '+1 555 0100', strategy: 'individual', hosts: [{ userId: 4 }] },
  });

async function expectMoved(path: string, to: string) {
  const res = await get(path);
  expect(res.status, path).toBe(301);
  expect(res.headers.get('location'), path).toBe(to);
}

describe('slug renames keep old links working', () => {
  beforeAll(async () => {
    admin = await login('admin@example.com');
    const created = await newPage('rename-a');
    expect(created.status).toBe(201);
    pageId = (await json(created)).page.id;
    const booked = await call('/api/public/pages/rename-a/bookings', { now: NOW, body: { start: '2026-12-01T15:00:00Z', name: 'Ada Link', email: 'ada@example.org' } });
    expect(booked.status).toBe(201);
    managePath = new URL((await json(booked)).manageUrl).pathname;
    expect(managePath.startsWith('/b/rename-a/manage/')).toBe(true);
  });

  it('the booking page and an emailed manage link answer 301 to the new slug, query kept', async () => {
    expect((await rename(pageId, 'rename-b')).status).toBe(200);
    await expectMoved('/b/rename-a', '/b/rename-b');
    await expectMoved('/b/rename-a?lang=de', '/b/rename-b?lang=de');
    const token = managePath.split('/').pop()!;
    await expectMoved(managePath, `/b/rename-b/manage/${token}`);
    const followed = await call(managePath, { now: NOW });
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain('data-slug="rename-b"');
    // The emailed link itself still carries the old slug, and that is what the booker clicks.
    const mail = await env.DB.prepare("SELECT text_body FROM email_outbox WHERE kind = 'booking_confirmation' AND to_address = 'ada@example.org'").first<{ text_body: string }>();
    expect(mail!.text_body).toContain('/b/rename-a/manage/');
  });

  it('an unknown token on the old slug is the same 404 as anywhere', async () => {
    const res = await get(`/b/rename-a/manage/${'x'.repeat(43)}`);
    expect(res.status).toBe(404);
    expect((await get('/b/never-existed')).status).toBe(404);
  });

  it('A → B → C: both A and B lead to C', async () => {
    expect((await rename(pageId, 'rename-c')).status).toBe(200);
    await expectMoved('/b/rename-a', '/b/rename-c');
    await expectMoved('/b/rename-b', '/b/rename-c');
    await expectMoved(managePath, `/b/rename-c/manage/${managePath.split('/').pop()}`);
    expect((await get('/b/rename-c')).status).toBe(200);
  });

  it('an old slug stays its page’s while it redirects: no other page may take it (and nothing is written)', async () => {
    const taken = await newPage('rename-a');
    expect(taken.status).toBe(400);
    expect((await json(taken)).error.issues[0].path).toEqual(['slug']);
    const other = (await json(await newPage('rename-other'))).page.id;
    expect((await rename(other, 'rename-b')).status).toBe(400);
    const rows = await env.DB.prepare("SELECT slug FROM scheduling_pages WHERE slug LIKE 'rename-%' ORDER BY slug").all<{ slug: string }>();
    expect(rows.results.map((r) => r.slug)).toEqual(['rename-c', 'rename-other']);
    // D1 itself refuses it too, should two requests race past the check.
    await expect(
      env.DB.prepare("INSERT INTO scheduling_pages (slug, owner_id, title, duration_minutes, timezone, location_type, strategy, slot_interval_minutes, created_at) VALUES ('rename-b', 1, 'x', 30, 'UTC', 'phone', 'individual', 30, 0)").run(),
    ).rejects.toThrow(/slug_taken/);
  });

  it('the page may take an old slug back: it is its slug again, and the others lead there', async () => {
    expect((await rename(pageId, 'rename-a')).status).toBe(200);
    expect((await get('/b/rename-a')).status).toBe(200);
    expect((await get(managePath)).status).toBe(200);
    await expectMoved('/b/rename-b', '/b/rename-a');
    await expectMoved('/b/rename-c', '/b/rename-a');
    const history = await env.DB.prepare('SELECT slug FROM slug_history WHERE page_id = ? ORDER BY slug').bind(pageId).all<{ slug: string }>();
    expect(history.results.map((r) => r.slug)).toEqual(['rename-b', 'rename-c']);
  });

  it('the public JSON API answers by the current slug only (old slugs are a 404 there)', async () => {
    expect((await get('/api/public/pages/rename-b')).status).toBe(404);
    expect((await get('/api/public/pages/rename-a')).status).toBe(200);
  });
});
