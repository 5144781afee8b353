/** Reads of webhook endpoints and their delivery log (SPEC 12); each on its own index. */
import { and, asc, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookEndpoint } from './schema';
import type { SessionUser } from '../domain/permissions';
import { iso } from '../domain/time';

const live = isNull(webhookEndpoints.deletedAt);

/** Admins see every endpoint (the organization's and everyone's personal ones); others their own. */
export const endpointsVisibleTo = (user: SessionUser): SQL =>
  user.role === 'admin' ? live : and(live, eq(webhookEndpoints.ownerId, user.id))!;

export const listEndpointsQuery = (db: Db, user: SessionUser) =>
  db.select().from(webhookEndpoints).where(endpointsVisibleTo(user)).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));

/** One endpoint the user may manage, or undefined (absent, deleted, or someone else's: all alike 404). */
export async function loadManagedEndpoint(db: Db, user: SessionUser, id: string): Promise<WebhookEndpoint | undefined> {
  const [row] = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, id), endpointsVisibleTo(user)));
  return row;
}

export function endpointJson(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    ownerId: e.ownerId,
    active: e.active,
    /** 'gone' when the receiver answered 410 and the endpoint was disabled for it. */
    disabledReason: e.disabledReason,
    createdAt: iso(e.createdAt),
  };
}
export type WebhookJson = ReturnType<typeof endpointJson>;

export type DeliveryCursor = { createdAt: number; id: string };

export const encodeCursor = (c: DeliveryCursor) => btoa(JSON.stringify([c.createdAt, c.id])).replace(/=+$/, '');
export function decodeCursor(raw: string): DeliveryCursor | null {
  try {
    const [createdAt, id] = JSON.parse(atob(raw)) as [unknown, unknown];
    return typeof createdAt === 'number' && Number.isSafeInteger(createdAt) && typeof id === 'string' && id.length <= 64 ? { createdAt, id } : null;
  } catch {
    return null;
  }
}

/** An endpoint's deliveries, newest first, keyset-paged on webhook_deliveries_endpoint_idx. */
export function deliveriesPageQuery(db: Db, endpointId: string, limit: number, cursor: DeliveryCursor | null) {
  const after = cursor
    ? or(lt(webhookDeliveries.createdAt, cursor.createdAt), and(eq(webhookDeliveries.createdAt, cursor.createdAt), lt(webhookDeliveries.id, cursor.id)))
    : undefined;
  return db
    .select({
      id: webhookDeliveries.id,
      eventType: webhookDeliveries.eventType,
      endpointId: webhookDeliveries.endpointId,
      bookingId: webhookDeliveries.bookingId,
      workflowId: webhookDeliveries.workflowId,
      status: webhookDeliveries.status,
      dueAt: webhookDeliveries.dueAt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      reason: webhookDeliveries.reason,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), after))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit + 1);
}

/** The attempts of the given deliveries, in order, on webhook_attempts_delivery_idx. */
export const attemptsQuery = (db: Db, deliveryIds: string[]) =>
  db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, deliveryIds))
    .orderBy(asc(webhookAttempts.deliveryId), asc(webhookAttempts.at), asc(webhookAttempts.id));

/** A delivery with its endpoint, only if the user may manage that endpoint (else none: a 404). */
export const deliveryWithEndpointQuery = (db: Db, user: SessionUser, id: string) =>
  db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, id), endpointsVisibleTo(user)));

/** A fresh endpoint id. */
export const newEndpointId = () => `ep_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

/** SQL for a fresh delivery id (the `webhook-id`), made inside the INSERT … SELECT that writes it. */
export const newDeliveryIdSql = sql.raw(`'msg_' || lower(hex(randomblob(16)))`);
