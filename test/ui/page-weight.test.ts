/**
 * The page budget (SPEC: every page ≤ 30 KB gzipped with the CSS and JS it loads), measured the
 * way a browser receives a page: its HTML plus every stylesheet and script it links, each
 * gzipped. The admin sees every page and user of the organization, so the lists are seeded
 * with 500 more of each, as the bench's organization has.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';
const T0 = Date.parse(NOW);
const BUDGET = 30 * 1024;
const EXTRA = 500;
/** The assets binding (wrangler.toml [assets]); the app reads it for the content versions. */
const assets = () => (env as unknown as { ASSETS: Fetcher }).ASSETS;
const HASH = 'pbkdf2$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** 500 sales reps in a team of their own, each hosting one individual page (literal SQL: D1 binds ≤ 100 values). */
async function seedOrganization() {
  const users: string[] = [];
  const pages: string[] = [];
  const hosts: string[] = [];
  for (let i = 0; i < EXTRA; i++) {
    const id = 1000 + i;
    users.push(`(${id}, 'Weight Host ${i}', 'weight${i}@example.com', '${HASH}', 'UTC', 100, 'sales_rep')`);
    pages.push(`(${id}, 'weight-${i}', ${id}, 'Weight page ${i}', '', 30, 'UTC', 'phone', '+1 555 0000', 'individual', NULL, 30, 0, 60, 0, 0, '[]', 0, 1, ${T0 - 86_400_000})`);
    hosts.push(`(${id}, ${id}, 1)`);
  }
  await env.DB.batch([
    env.DB.prepare("INSERT INTO teams (id, name) VALUES (100, 'Weight')"),
    env.DB.prepare(`INSERT INTO users (id, name, email, password_hash, timezone, team_id, role) VALUES ${users.join(',')}`),
    env.DB.prepare(
      `INSERT INTO scheduling_pages (id, slug, owner_id, title, description, duration_minutes, timezone, location_type, location_value, strategy, group_capacity, slot_interval_minutes, minimum_notice_minutes, horizon_days, buffer_before_minutes, buffer_after_minutes, questions, briefing_enabled, active, created_at) VALUES ${pages.join(',')}`,
    ),
    env.DB.prepare(`INSERT INTO page_hosts (page_id, user_id, weight) VALUES ${hosts.join(',')}`),
  ]);
}

async function gzipped(body: ArrayBuffer): Promise<number> {
  const stream = new Response(body).body!.pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

type Weight = { path: string; bytes: number; files: string[] };

/** The page's HTML gzipped plus each stylesheet and script it links, read from the assets binding as the platform serves them. */
async function weigh(path: string, headers: Record<string, string> = {}): Promise<Weight> {
  const res = await call(path, { headers, now: NOW });
  expect(res.status, path).toBe(200);
  const html = await res.text();
  let bytes = await gzipped(new TextEncoder().encode(html).buffer as ArrayBuffer);
  const files = [...html.matchAll(/<(?:link[^>]+href|script[^>]+src)="(\/[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  for (const file of files) {
    const asset = await assets().fetch(new Request(`https://assets.local${file}`));
    expect(asset.status, `${path} links ${file}`).toBe(200);
    bytes += await gzipped(await asset.arrayBuffer());
  }
  console.log(`page weight ${path}: ${(bytes / 1024).toFixed(1)} KB (${files.join(' ')})`);
  return { path, bytes, files };
}

let cookie: Record<string, string>;

beforeAll(async () => {
  await seed(new Date(NOW));
  await seedOrganization();
  cookie = { cookie: `session=${await login('admin@example.com')}` };
});

describe('page weight: HTML + CSS + JS, gzipped, ≤ 30 KB', () => {
  it('the admin’s lists of 500+ scheduling pages and 500+ people', async () => {
    const pages = await (await call('/app/pages', { headers: cookie, now: NOW })).text();
    expect(pages.match(/class="pl-item/g)?.length).toBeGreaterThan(EXTRA);
    const team = await (await call('/app/team', { headers: cookie, now: NOW })).text();
    expect(team.match(/<tr data-user-id/g)?.length).toBeGreaterThan(EXTRA);
    const weights = [await weigh('/app/pages', cookie), await weigh('/app/team', cookie)];
    for (const w of weights) expect(w.bytes, `${w.path}: ${(w.bytes / 1024).toFixed(1)} KB from ${w.files.join(', ')}`).toBeLessThanOrEqual(BUDGET);
  });

  it('every other signed-in page, the sign-in page and the booker’s pages', async () => {
    const token = await login('admin@example.com');
    const { webhook } = await json(await call('/api/webhooks', { token, now: NOW, body: { url: 'https://hooks.example.com/in', events: ['booking.created'], organization: true } }));
    const paths = [
      '/app/bookings',
      '/app/pages/new',
      '/app/pages/1',
      '/app/availability',
      '/app/workflows',
      '/app/workflows/new?pageId=1',
      '/app/webhooks',
      `/app/webhooks/${webhook.id}`,
    ];
    for (const path of paths) {
      const w = await weigh(path, cookie);
      expect(w.bytes, `${path}: ${(w.bytes / 1024).toFixed(1)} KB from ${w.files.join(', ')}`).toBeLessThanOrEqual(BUDGET);
    }
    for (const path of ['/login', '/b/ravi-intro']) {
      const w = await weigh(path);
      expect(w.bytes, `${path}: ${(w.bytes / 1024).toFixed(1)} KB from ${w.files.join(', ')}`).toBeLessThanOrEqual(BUDGET);
    }
  });

  it('links every stylesheet and script with its content version, so a changed file gets a new URL', async () => {
    for (const path of ['/app/pages', '/app/bookings', '/b/ravi-intro']) {
      const { files } = await weigh(path, path.startsWith('/app') ? cookie : {});
      expect(files.length).toBeGreaterThan(1);
      for (const file of files) expect(file, path).toMatch(/^\/[\w-]+\.(css|js)\?v=\w+$/);
    }
  });
});
