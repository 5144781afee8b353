import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { createEndpoint, receiver, untilCalls } from './receiver';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();
const events = ['booking.created'];

beforeAll(() => seed(NOW));

let fake: ReturnType<typeof receiver> | undefined;
afterEach(() => fake?.restore());

const as = async (email: string, path: string, opts: { method?: string; body?: unknown } = {}) => call(path, { ...opts, token: await login(email), now });

describe('webhooks API: who may do what (SPEC 12)', () => {
  it('organization endpoints are for admins only; personal ones need scheduler.edit', async () => {
    expect((await as('rep1@example.com', '/api/webhooks', { body: { url: 'https://x.test/h', events, organization: true } })).status).toBe(403);
    const viewer = await as('viewer@example.com', '/api/webhooks', { body: { url: 'https://x.test/h', events } });
    expect(viewer.status).toBe(403);
    expect((await json(viewer)).error.code).toBe('forbidden');
    const mine = await as('rep1@example.com', '/api/webhooks', { body: { url: 'https://x.test/rep1', events } });
    expect(mine.status).toBe(201);
    const body = await json(mine);
    expect(body.webhook).toEqual({ id: expect.stringMatching(/^ep_/), url: 'https://x.test/rep1', events, ownerId: 3, active: true, disabledReason: null, createdAt: now });
    expect(body.secret).toMatch(/^whsec_/);
    const org = await as('admin@example.com', '/api/webhooks', { body: { url: 'https://x.test/org', events: ['booking.cancelled', 'booking.created'], organization: true } });
    expect(org.status).toBe(201);
    // Events come back in their canonical order.
    expect((await json(org)).webhook).toMatchObject({ ownerId: null, events: ['booking.created', 'booking.cancelled'] });
  });

  it('lists what the caller owns; admins see all; the secret is never listed', async () => {
    const rep2 = await createEndpoint('rep2@example.com', { url: 'https://x.test/rep2', events });
    const listOf = async (email: string) => (await json(await as(email, '/api/webhooks'))).webhooks as { id: string; ownerId: number | null }[];
    const rep1List = await listOf('rep1@example.com');
    expect(rep1List.length).toBeGreaterThan(0);
    expect(rep1List.every((w) => w.ownerId === 3)).toBe(true);
    expect((await listOf('admin@example.com')).map((w) => w.id)).toContain(rep2.webhook.id);
    expect(JSON.stringify(await listOf('admin@example.com'))).not.toContain('whsec_');
    expect(await listOf('viewer@example.com')).toEqual([]);
  });

  it("someone else's endpoint is a 404 for every action; owner and admin may change it", async () => {
    const { webhook } = await createEndpoint('rep2@example.com', { url: 'https://x.test/rep2b', events });
    const id = webhook.id;
    for (const email of ['rep1@example.com', 'manager@example.com', 'viewer@example.com']) {
      expect((await as(email, `/api/webhooks/${id}`, { method: 'PATCH', body: { active: false } })).status).toBe(404);
      expect((await as(email, `/api/webhooks/${id}`, { method: 'DELETE' })).status).toBe(404);
      expect((await as(email, `/api/webhooks/${id}/rotate-secret`, { method: 'POST' })).status).toBe(404);
      expect((await as(email, `/api/webhooks/${id}/test`, { method: 'POST' })).status).toBe(404);
      expect((await as(email, `/api/webhooks/${id}/deliveries`)).status).toBe(404);
    }
    const org = await createEndpoint('admin@example.com', { url: 'https://x.test/org2', events, organization: true });
    expect((await as('manager@example.com', `/api/webhooks/${org.webhook.id}`, { method: 'PATCH', body: { active: false } })).status).toBe(404);
    const paused = await as('rep2@example.com', `/api/webhooks/${id}`, { method: 'PATCH', body: { active: false, events: ['booking.cancelled'] } });
    expect(paused.status).toBe(200);
    expect((await json(paused)).webhook).toMatchObject({ active: false, events: ['booking.cancelled'], url: 'https://x.test/rep2b' });
    const byAdmin = await as('admin@example.com', `/api/webhooks/${id}`, { method: 'PATCH', body: { url: 'https://y.test/new' } });
    expect((await json(byAdmin)).webhook).toMatchObject({ url: 'https://y.test/new', active: false });
    expect((await as('rep2@example.com', `/api/webhooks/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await as('rep2@example.com', `/api/webhooks/${id}`, { method: 'PATCH', body: { active: true } })).status).toBe(404);
    expect((await json(await as('admin@example.com', '/api/webhooks'))).webhooks.map((w: any) => w.id)).not.toContain(id);
  });

  it('bad input is a 400 envelope and changes nothing', async () => {
    const before = (await env.DB.prepare('SELECT COUNT(*) n FROM webhook_endpoints').first<{ n: number }>())!.n;
    const cases: unknown[] = [
      {},
      { url: 'https://x.test/h', events: [] },
      { url: 'https://x.test/h', events: ['booking.exploded'] },
      { url: 'https://x.test/h', events: ['ping'] },
      { url: 'ftp://x.test/h', events },
      { url: 'http://example.com/h', events },
      { url: 'https://user:pw@x.test/h', events },
      { url: 'not a url', events },
      { url: 'https://x.test/h', events, organization: false },
      { url: 'https://x.test/h', events, extra: 1 },
      { url: `https://x.test/${'a'.repeat(2100)}`, events },
    ];
    for (const body of cases) {
      const res = await as('rep1@example.com', '/api/webhooks', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = (await json(res)).error;
      expect(err.code).toBe('validation_failed');
      expect(err.issues.length).toBeGreaterThan(0);
    }
    const raw = await call('/api/webhooks', { token: await login('rep1@example.com'), rawBody: '{not json', now });
    expect(raw.status).toBe(400);
    const { webhook } = await createEndpoint('rep1@example.com', { url: 'https://x.test/ok', events });
    expect((await as('rep1@example.com', `/api/webhooks/${webhook.id}`, { method: 'PATCH', body: { url: 'http://10.0.0.1/' } })).status).toBe(400);
    expect((await as('rep1@example.com', `/api/webhooks/${webhook.id}`, { method: 'PATCH', body: { active: 'yes' } })).status).toBe(400);
    expect((await as('rep1@example.com', `/api/webhooks/${webhook.id}/deliveries?limit=0`)).status).toBe(400);
    expect((await as('rep1@example.com', `/api/webhooks/${webhook.id}/deliveries?cursor=zzz`)).status).toBe(400);
    expect((await as('rep1@example.com', `/api/webhooks/bad id!/deliveries`)).status).toBe(400);
    expect((await env.DB.prepare('SELECT COUNT(*) n FROM webhook_endpoints').first<{ n: number }>())!.n).toBe(before + 1);
  });

  it('in development plain http is allowed to localhost and 127.0.0.1 only', async () => {
    for (const url of ['http://localhost:9000/h', 'http://127.0.0.1:9000/h']) expect((await as('rep1@example.com', '/api/webhooks', { body: { url, events } })).status).toBe(201);
    for (const url of ['http://[::1]/h', 'http://192.168.1.1/h', 'http://localhost.example.com/h']) expect((await as('rep1@example.com', '/api/webhooks', { body: { url, events } })).status).toBe(400);
    // Another spelling of 127.0.0.1 is 127.0.0.1, and is stored as the parser reads it.
    const hex = await as('rep1@example.com', '/api/webhooks', { body: { url: 'http://0x7f.1:9000/h', events } });
    expect((await json(hex)).webhook.url).toBe('http://127.0.0.1:9000/h');
  });

  it('the delivery log pages with a keyset cursor; replay is for the owner or an admin only', async () => {
    fake = receiver('https://log.test', [{ status: 200 }]);
    const { webhook } = await createEndpoint('rep1@example.com', { url: 'https://log.test/h', events });
    for (let i = 0; i < 5; i++) expect((await as('rep1@example.com', `/api/webhooks/${webhook.id}/test`, { method: 'POST' })).status).toBe(202);
    await untilCalls(fake.calls, 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as('rep1@example.com', `/api/webhooks/${webhook.id}/deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const page = await json(res);
      expect(page.deliveries.length).toBeLessThanOrEqual(2);
      seen.push(...page.deliveries.map((d: any) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(fake.calls.map((c) => c.headers['webhook-id']).sort()).toEqual([...seen].sort());
    for (const email of ['rep2@example.com', 'manager@example.com']) expect((await as(email, `/api/webhook-deliveries/${seen[0]}/replay`, { method: 'POST' })).status).toBe(404);
    expect((await as('rep1@example.com', `/api/webhook-deliveries/msg_nope/replay`, { method: 'POST' })).status).toBe(404);
    expect((await as('admin@example.com', `/api/webhook-deliveries/${seen[0]}/replay`, { method: 'POST' })).status).toBe(202);
    expect((await as('rep1@example.com', `/api/webhook-deliveries/${seen[1]}/replay`, { method: 'POST' })).status).toBe(202);
    await untilCalls(fake.calls, 7);
    expect(fake.calls.slice(5).map((c) => c.headers['webhook-id'])).toEqual([seen[0], seen[1]]);
    // A paused endpoint's deliveries are not replayed until it is resumed.
    await as('rep1@example.com', `/api/webhooks/${webhook.id}`, { method: 'PATCH', body: { active: false } });
    const paused = await as('rep1@example.com', `/api/webhook-deliveries/${seen[0]}/replay`, { method: 'POST' });
    expect(paused.status).toBe(409);
    expect((await json(paused)).error.code).toBe('invalid_state');
  });

  it('needs a signed-in user', async () => {
    expect((await call('/api/webhooks')).status).toBe(401);
    expect((await call('/api/webhooks', { body: { url: 'https://x.test', events } })).status).toBe(401);
    expect((await call('/api/webhook-deliveries/msg_x/replay', { method: 'POST' })).status).toBe(401);
  });
});
