/**
 * Webhook endpoints and their delivery log (SPEC 12), one use case per action; the JSON routes
 * and /app/webhooks both call these. Organization endpoints (ownerId null) are the admins';
 * anyone with scheduler.edit owns personal ones. Someone else's endpoint is a 404, like a
 * booking outside one's scope.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { webhookDeliveries, webhookEndpoints, type WebhookEndpoint } from '../db/schema';
import {
  attemptsQuery,
  decodeCursor,
  deliveriesPageQuery,
  deliveryWithEndpointQuery,
  encodeCursor,
  endpointJson,
  listEndpointsQuery,
  loadManagedEndpoint,
  newEndpointId,
  type WebhookJson,
} from '../db/webhooks';
import type { SessionUser } from '../domain/permissions';
import type { Issue } from '../http/errors';
import { iso } from '../domain/time';
import { WEBHOOK_EVENTS, ROTATION_OVERLAP_MS } from '../webhooks/vocab';
import { webhookUrl } from '../webhooks/url-rules';
import { newSecret } from '../webhooks/signing';
import { deliverByIds } from '../webhooks/delivery';

export { WEBHOOK_EVENTS, type WebhookJson };

const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, 'Pick at least one event')
  .transform((xs) => WEBHOOK_EVENTS.filter((e) => xs.includes(e)));

/** POST /api/webhooks. The URL rule depends on the environment (plain http to localhost only outside production). */
export const createWebhookBody = (environment: Bindings['ENVIRONMENT']) =>
  z.strictObject({ url: webhookUrl(environment), events, organization: z.literal(true).optional() });
export const updateWebhookBody = (environment: Bindings['ENVIRONMENT']) =>
  z.strictObject({ url: webhookUrl(environment).optional(), events: events.optional(), active: z.boolean().optional() });
export const deliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export type CreateWebhookBody = z.infer<ReturnType<typeof createWebhookBody>>;
export type UpdateWebhookBody = z.infer<ReturnType<typeof updateWebhookBody>>;

type Failure<C extends string> = { ok: false; code: C; message: string; issues?: Issue[] };
const notFound = { ok: false, code: 'not_found', message: 'Webhook not found' } as const;
/** What the immediate sends run under: the request's clock and, when there is one, its waitUntil. */
export type SendContext = { now?: number; waitUntil?: (p: Promise<unknown>) => void };

function invalid(error: z.ZodError): Failure<'validation_failed'> {
  const issues = error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message, code: i.code }));
  return { ok: false, code: 'validation_failed', message: 'The request is not valid', issues };
}

/** Runs a send in the background when the caller has a waitUntil, else before answering. */
async function run(task: Promise<unknown>, ctx: SendContext) {
  const logged = task.catch((error) => console.error('webhook send', error));
  if (ctx.waitUntil) ctx.waitUntil(logged);
  else await logged;
}

export async function listWebhooks(env: Bindings, user: SessionUser): Promise<WebhookJson[]> {
  return (await listEndpointsQuery(getDb(env.DB), user)).map(endpointJson);
}

export async function createWebhook(
  env: Bindings,
  user: SessionUser,
  body: unknown,
  now = Date.now(),
): Promise<{ ok: true; webhook: WebhookJson; secret: string } | Failure<'validation_failed' | 'forbidden'>> {
  const parsed = createWebhookBody(env.ENVIRONMENT).safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const { url, events, organization } = parsed.data;
  if (organization && user.role !== 'admin') return { ok: false, code: 'forbidden', message: 'Only admins create organization webhooks' };
  if (!organization && user.permissions.edit === null) return { ok: false, code: 'forbidden', message: 'Webhooks need the scheduler.edit permission' };
  const secret = newSecret();
  const row: WebhookEndpoint = {
    id: newEndpointId(),
    url,
    events,
    ownerId: organization ? null : user.id,
    active: true,
    disabledReason: null,
    secret,
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await getDb(env.DB).insert(webhookEndpoints).values(row);
  return { ok: true, webhook: endpointJson(row), secret };
}

export async function updateWebhook(
  env: Bindings,
  user: SessionUser,
  id: string,
  body: unknown,
  now = Date.now(),
): Promise<{ ok: true; webhook: WebhookJson } | Failure<'validation_failed' | 'not_found'>> {
  const db = getDb(env.DB);
  const endpoint = await loadManagedEndpoint(db, user, id);
  if (!endpoint) return notFound;
  const parsed = updateWebhookBody(env.ENVIRONMENT).safeParse(body);
  if (!parsed.success) return invalid(parsed.error);
  const change = parsed.data;
  // Resuming clears why it was disabled (a 410 from the receiver).
  const next: WebhookEndpoint = { ...endpoint, ...change, disabledReason: change.active === true ? null : endpoint.disabledReason, updatedAt: now };
  await db
    .update(webhookEndpoints)
    .set({ url: next.url, events: next.events, active: next.active, disabledReason: next.disabledReason, updatedAt: now })
    .where(eq(webhookEndpoints.id, id));
  return { ok: true, webhook: endpointJson(next) };
}

/** Soft delete: the log stays readable for replays elsewhere; its pending deliveries are cancelled at once. */
export async function deleteWebhook(env: Bindings, user: SessionUser, id: string, now = Date.now()): Promise<{ ok: true } | Failure<'not_found'>> {
  const db = getDb(env.DB);
  const endpoint = await loadManagedEndpoint(db, user, id);
  if (!endpoint) return notFound;
  await db.batch([
    db.update(webhookEndpoints).set({ deletedAt: now, active: false, updatedAt: now }).where(eq(webhookEndpoints.id, id)),
    db
      .update(webhookDeliveries)
      .set({ status: 'cancelled', reason: 'endpoint deleted', nextAttemptAt: null, updatedAt: now })
      .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.status, 'pending'))),
  ]);
  return { ok: true };
}

/** A new secret, shown once; the old one keeps signing alongside it for 24 hours. */
export async function rotateSecret(env: Bindings, user: SessionUser, id: string, now = Date.now()): Promise<{ ok: true; secret: string } | Failure<'not_found'>> {
  const db = getDb(env.DB);
  const endpoint = await loadManagedEndpoint(db, user, id);
  if (!endpoint) return notFound;
  const secret = newSecret();
  await db
    .update(webhookEndpoints)
    .set({ secret, previousSecret: endpoint.secret, previousSecretExpiresAt: now + ROTATION_OVERLAP_MS, updatedAt: now })
    .where(eq(webhookEndpoints.id, id));
  return { ok: true, secret };
}

/** A `ping` delivery, sent at once (also to a paused endpoint: testing it is the point). */
export async function sendTest(
  env: Bindings,
  user: SessionUser,
  id: string,
  ctx: SendContext = {},
): Promise<{ ok: true; deliveryId: string } | Failure<'not_found'>> {
  const now = ctx.now ?? Date.now();
  const db = getDb(env.DB);
  const endpoint = await loadManagedEndpoint(db, user, id);
  if (!endpoint) return notFound;
  const deliveryId = `msg_${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  const payload = JSON.stringify({ type: 'ping', timestamp: iso(now), data: { webhookId: endpoint.id } });
  await db.insert(webhookDeliveries).values({
    id: deliveryId,
    endpointId: endpoint.id,
    eventType: 'ping',
    payload,
    status: 'pending',
    dueAt: now,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await run(deliverByIds(env, [deliveryId], now), ctx);
  return { ok: true, deliveryId };
}

export type DeliveryJson = {
  /** The `webhook-id` header of every attempt. */
  id: string;
  eventType: string;
  /** The endpoint's id. */
  webhookId: string;
  bookingId: string | null;
  workflowId: number | null;
  status: string;
  /** Why it was cancelled or skipped, or how it finally failed. */
  reason: string | null;
  attempts: { at: string; status: number | null; durationMs: number; response: string | null }[];
  dueAt: string;
  nextAttemptAt: string | null;
  createdAt: string;
};

export async function listDeliveries(
  env: Bindings,
  user: SessionUser,
  webhookId: string,
  query: { limit?: number; cursor?: string } = {},
): Promise<{ ok: true; deliveries: DeliveryJson[]; nextCursor: string | null } | Failure<'not_found' | 'validation_failed'>> {
  const db = getDb(env.DB);
  const endpoint = await loadManagedEndpoint(db, user, webhookId);
  if (!endpoint) return notFound;
  const parsed = deliveriesQuery.safeParse(query);
  if (!parsed.success) return invalid(parsed.error);
  const { limit, cursor: rawCursor } = parsed.data;
  const cursor = rawCursor ? decodeCursor(rawCursor) : null;
  if (rawCursor && !cursor) return { ok: false, code: 'validation_failed', message: 'The cursor is not valid', issues: [{ path: ['cursor'], message: 'Not a cursor from this list' }] };
  // The page and its attempts in one round trip: the attempts read the same keyset page as a subquery.
  const page = deliveriesPageQuery(db, endpoint.id, limit, cursor);
  const ids = db.select({ id: sql<string>`id` }).from(page.as('page'));
  const [rows, attempts] = await db.batch([page, attemptsQuery(db, ids as never)]);
  const shown = rows.slice(0, limit);
  const byDelivery = new Map<string, DeliveryJson['attempts']>();
  for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), { at: iso(a.at), status: a.status, durationMs: a.durationMs, response: a.response }]);
  const deliveries = shown.map((d) => ({
    id: d.id,
    eventType: d.eventType,
    webhookId: d.endpointId,
    bookingId: d.bookingId,
    workflowId: d.workflowId,
    status: d.status,
    reason: d.reason,
    attempts: byDelivery.get(d.id) ?? [],
    dueAt: iso(d.dueAt),
    nextAttemptAt: d.status === 'pending' && d.nextAttemptAt !== null ? iso(d.nextAttemptAt) : null,
    createdAt: iso(d.createdAt),
  }));
  const last = shown[shown.length - 1];
  return { ok: true, deliveries, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
}

/**
 * Sends a delivery again with the same `webhook-id` and body, restarting its retry schedule.
 * Refused (409) for a paused endpoint and for a timed delivery that is not due yet.
 */
export async function replayDelivery(
  env: Bindings,
  user: SessionUser,
  deliveryId: string,
  ctx: SendContext = {},
): Promise<{ ok: true } | Failure<'not_found' | 'invalid_state'>> {
  const now = ctx.now ?? Date.now();
  const db = getDb(env.DB);
  const [row] = await deliveryWithEndpointQuery(db, user, deliveryId);
  if (!row) return { ok: false, code: 'not_found', message: 'Delivery not found' };
  if (!row.endpoint.active) return { ok: false, code: 'invalid_state', message: 'Resume the webhook before replaying its deliveries' };
  if (row.delivery.dueAt > now) return { ok: false, code: 'invalid_state', message: 'This delivery is not due yet' };
  await db
    .update(webhookDeliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, reason: null, updatedAt: now })
    .where(eq(webhookDeliveries.id, deliveryId));
  await run(deliverByIds(env, [deliveryId], now), ctx);
  return { ok: true };
}
