import { Hono, type Context } from 'hono';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import type { SessionUser } from '../domain/permissions';
import { formatInZone } from '../domain/format';
import { getDb } from '../db/client';
import { users } from '../db/schema';
import { requirePageUser } from '../http/page-auth';
import { csrf } from '../http/middleware';
import { formBody } from '../http/validate';
import { createWebhook, listDeliveries, listWebhooks, type DeliveryJson, type WebhookJson } from '../services/webhooks';
import { WEBHOOK_EVENTS } from '../webhooks/vocab';
import { NotFoundPage } from '../ui/not-found';
import { WebhooksPage, type CreateDraft } from '../ui/webhooks-page';
import { WebhookLogPage, type DeliveryView } from '../ui/webhooks-log';
import type { EndpointStatus, EndpointView } from '../ui/webhooks-endpoint';

const LOG_PAGE_SIZE = 20;
const NOTICES: Record<string, string> = { deleted: 'Endpoint deleted. It receives no more events.' };
const cursorParam = z.string().min(1).max(200).optional().catch(undefined);

// Delivery times need seconds: two attempts a few seconds apart must read differently.
const stampFormats = new Map<string, Intl.DateTimeFormat>();
function stamp(isoTime: string | null | undefined, zone: string): string | null {
  if (!isoTime) return null;
  const ms = Date.parse(isoTime);
  if (Number.isNaN(ms)) return null;
  let f = stampFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', timeZone: zone });
    stampFormats.set(zone, f);
  }
  return f.format(ms);
}

// disabledReason is set when a 410 from the receiver turned the endpoint off; resuming clears it.
const endpointStatus = (w: WebhookJson): EndpointStatus => (w.active ? 'active' : w.disabledReason ? 'disabled' : 'paused');

async function endpointViews(env: AppEnv['Bindings'], user: SessionUser, list: WebhookJson[]): Promise<EndpointView[]> {
  const ownerIds = [...new Set(list.map((w) => w.ownerId).filter((id): id is number => id !== null && id !== user.id))];
  const names = new Map<number, string>([[user.id, user.name]]);
  if (ownerIds.length > 0) {
    const rows = await getDb(env.DB).select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ownerIds));
    for (const r of rows) names.set(r.id, r.name);
  }
  return list.map((w) => ({
    id: String(w.id),
    url: w.url,
    events: [...w.events],
    ownerId: w.ownerId,
    ownerName: w.ownerId === null ? null : (names.get(w.ownerId) ?? null),
    status: endpointStatus(w),
    createdLabel: formatInZone(Date.parse(w.createdAt), user.timezone, 'date'),
  }));
}

function deliveryView(d: DeliveryJson, zone: string): DeliveryView {
  const last = d.attempts[d.attempts.length - 1];
  return {
    id: String(d.id),
    eventType: d.eventType,
    status: d.status === 'pending' && d.attempts.length > 0 ? 'retrying' : d.status,
    reason: d.reason,
    createdLabel: stamp(d.createdAt, zone),
    attempts: d.attempts.map((a) => ({ atLabel: stamp(a.at, zone) ?? a.at, status: a.status, durationMs: a.durationMs })),
    nextAttemptLabel: stamp(d.nextAttemptAt, zone),
    response: last?.response ?? null,
  };
}

const zoneLabel = (zone: string, now: Date) => `${zone.replace(/_/g, ' ')} (${formatInZone(now.getTime(), zone, 'zone')})`;

const asList = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

async function webhooksPage(c: Context<AppEnv>, extra: { notice?: string; draft?: CreateDraft; secret?: string }, status: 200 | 400 | 403 = 200) {
  const user = c.get('user');
  const list = await listWebhooks(c.env, user);
  // A page holding a secret must not be kept by any cache.
  if (extra.secret) c.header('cache-control', 'no-store');
  return c.html(<WebhooksPage user={user} endpoints={await endpointViews(c.env, user, list)} events={[...WEBHOOK_EVENTS]} {...extra} />, status);
}

/**
 * /app/webhooks: endpoints, their secrets and delivery logs (SPEC 12). With script, mutations go
 * through the JSON API; the create form also works as a plain post (the secret shown once here).
 */
export const appWebhookRoutes = new Hono<AppEnv>()
  .get('/app/webhooks', requirePageUser, (c) => webhooksPage(c, { notice: NOTICES[c.req.query('notice') ?? ''] }))
  .post('/app/webhooks', requirePageUser, csrf, async (c) => {
    const form = await formBody(c, { all: true });
    const url = typeof form.url === 'string' ? form.url.trim() : '';
    const events = asList(form.events);
    const organization = asList(form.organization).includes('true');
    const result = await createWebhook(c.env, c.get('user'), { url, events, ...(organization ? { organization } : {}) }, c.get('now').getTime());
    if (result.ok) return webhooksPage(c, { notice: `Endpoint added: ${result.webhook.url}`, secret: result.secret });
    const issues: Record<string, string> = {};
    for (const i of result.issues ?? []) issues[String(i.path[0] ?? '')] ??= i.message;
    const message = result.code === 'forbidden' ? result.message : 'Check the fields marked above.';
    return webhooksPage(c, { draft: { url, events, organization, issues, message } }, result.code === 'forbidden' ? 403 : 400);
  })
  .get('/app/webhooks/:id', requirePageUser, async (c) => {
    const user = c.get('user');
    const id = c.req.param('id');
    // Scope comes from the listing: an endpoint the caller may not see is a 404 like any unknown id.
    const found = (await listWebhooks(c.env, user)).find((w) => String(w.id) === id);
    if (!found) return c.html(<NotFoundPage />, 404);
    const cursor = cursorParam.parse(c.req.query('cursor'));
    let result = await listDeliveries(c.env, user, found.id, { limit: LOG_PAGE_SIZE, cursor });
    let paged = !!cursor;
    // A cursor that no longer parses (edited by hand, or from an old link) shows the newest page.
    if (!result.ok && cursor) {
      result = await listDeliveries(c.env, user, found.id, { limit: LOG_PAGE_SIZE });
      paged = false;
    }
    if (!result.ok) return c.html(<NotFoundPage />, 404);
    const [endpoint] = await endpointViews(c.env, user, [found]);
    return c.html(
      <WebhookLogPage
        user={user}
        endpoint={endpoint}
        deliveries={result.deliveries.map((d) => deliveryView(d, user.timezone))}
        nextCursor={result.nextCursor ?? null}
        paged={paged}
        zoneLabel={zoneLabel(user.timezone, c.get('now'))}
      />,
    );
  });
