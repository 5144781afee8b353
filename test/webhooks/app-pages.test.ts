/**
 * The HTML side of webhooks without script: the workflow editor picks one of the viewer's
 * endpoints from a list (SPEC 11/12), and /app/webhooks's create form works as a plain post,
 * showing the new secret once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, call, env, login, seed } from '../helpers';
import { createEndpoint } from './receiver';

const NOW = '2026-11-23T12:00:00Z';
const page = async (path: string, email: string) => {
  const res = await call(path, { headers: { cookie: `session=${await login(email)}` }, now: NOW });
  expect(res.status).toBe(200);
  return res.text();
};
const post = async (email: string, form: [string, string][], origin = ORIGIN) =>
  call('/app/webhooks', {
    method: 'POST',
    rawBody: new URLSearchParams(form).toString(),
    headers: { cookie: `session=${await login(email)}`, origin, 'content-type': 'application/x-www-form-urlencoded' },
    now: NOW,
  });
/** The options of the editor's webhook select, as [value, text]. */
const options = (html: string) => {
  const select = html.match(/<select[^>]*name="webhookId"[^>]*>([\s\S]*?)<\/select>/)?.[1];
  return select ? [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2].trim()]) : null;
};

let org: string;
let mine: string;
let admins: string;
beforeAll(async () => {
  await seed(new Date(NOW));
  org = (await createEndpoint('admin@example.com', { url: 'https://org.example/hook', events: ['booking.created'], organization: true }, NOW)).webhook.id;
  admins = (await createEndpoint('admin@example.com', { url: 'https://admin.example/hook', events: ['booking.created'] }, NOW)).webhook.id;
  mine = (await createEndpoint('rep1@example.com', { url: 'https://rep1.example/hook', events: ['booking.created'] }, NOW)).webhook.id;
});

describe("the workflow editor's webhook field", () => {
  it('offers a host their own endpoints only, by URL', async () => {
    const html = await page('/app/workflows/new?pageId=1', 'rep1@example.com');
    expect(options(html)).toEqual([['', 'Pick a webhook'], [mine, 'https://rep1.example/hook']]);
  });

  it('offers an admin every endpoint, organization ones marked', async () => {
    const html = await page('/app/workflows/new?pageId=1', 'admin@example.com');
    const got = options(html)!;
    expect(got[0]).toEqual(['', 'Pick a webhook']);
    expect(got.slice(1).sort()).toEqual([[admins, 'https://admin.example/hook'], [mine, 'https://rep1.example/hook'], [org, 'https://org.example/hook · Organization']].sort());
  });

  it('with no endpoints, links to the Webhooks page instead', async () => {
    const html = await page('/app/workflows/new?pageId=2', 'rep2@example.com');
    expect(options(html)).toBeNull();
    expect(html).toMatch(/You have no webhooks yet\. <a href="\/app\/webhooks">Add one on the Webhooks page<\/a>/);
  });
});

describe('/app/webhooks without script', () => {
  it('a plain form post creates the endpoint and shows its secret once, uncached', async () => {
    const res = await post('rep2@example.com', [['url', 'https://plain.example/hook'], ['events', 'booking.created'], ['events', 'booking.cancelled']]);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const row = await env.DB.prepare(`SELECT id, url, events, owner_id, secret FROM webhook_endpoints WHERE url = 'https://plain.example/hook'`).first<{ events: string; owner_id: number; secret: string }>();
    expect(row).toMatchObject({ owner_id: 4 });
    expect(JSON.parse(row!.events)).toEqual(['booking.created', 'booking.cancelled']);
    expect(html).toContain(`<code data-secret-value="true">${row!.secret}</code>`);
    expect(html).toMatch(/<section class="wh-secret wh-secret-new" data-new-secret="true" tabindex="-1"/);
    expect(html).toContain('Endpoint added: https://plain.example/hook');
    // Shown once: the page itself never carries it again.
    expect(await page('/app/webhooks', 'rep2@example.com')).not.toContain(row!.secret);
  });

  it('bad input comes back beside its field, as typed, with nothing written', async () => {
    const res = await post('rep2@example.com', [['url', 'ftp://nope.example/x']]);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/id="wh-url"[^>]*value="ftp:\/\/nope.example\/x"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/<span id="wh-url-error" class="field-error" data-error-for="url">[^<]+\S[^<]*<\/span>/);
    expect(html).toMatch(/data-error-for="events">[^<]*\S[^<]*<\/span>/);
    expect(await env.DB.prepare(`SELECT COUNT(*) n FROM webhook_endpoints WHERE url LIKE 'ftp:%'`).first('n')).toBe(0);
  });

  it('a cross-site post is refused', async () => {
    const res = await post('rep2@example.com', [['url', 'https://evil.example/hook'], ['events', 'booking.created']], 'https://evil.example');
    expect(res.status).toBe(403);
    expect(await env.DB.prepare(`SELECT COUNT(*) n FROM webhook_endpoints WHERE url = 'https://evil.example/hook'`).first('n')).toBe(0);
  });
});
