/**
 * Sending deliveries (SPEC 12). Each attempt first claims its row with a conditional UPDATE
 * (pending, this attempt count, due), so the immediate send after a commit, a replay and
 * overlapping sweeps never send one attempt twice. POST with the Standard Webhooks headers,
 * redirects not followed (a 3xx is a failure), 15 s timeout; 2xx succeeds, 410 disables the
 * endpoint, anything else is retried on RETRY_DELAYS_MS (with up to 10 % jitter) until
 * MAX_ATTEMPTS, then failed. Every attempt is logged with ≤ 1 KB of the answer.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb, type Db } from '../db/client';
import { chunked } from '../db/batch';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema';
import { composePayloads } from './payload';
import { signedHeaders, signingSecrets } from './signing';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from './vocab';

export const SEND_TIMEOUT_MS = 15_000;
/** Longer than any attempt: a claimed row whose worker died is due again after this. */
const LEASE_MS = 60_000;
const EXCERPT_BYTES = 1024;
const PARALLEL = 8;
const PAGE = 100;
const MAX_PER_SWEEP = 1_000;

type Row = { delivery: typeof webhookDeliveries.$inferSelect; endpoint: typeof webhookEndpoints.$inferSelect };
type Outcome = { status: number | null; response: string; durationMs: number };

const rowsQuery = (db: Db) =>
  db.select({ delivery: webhookDeliveries, endpoint: webhookEndpoints }).from(webhookDeliveries).innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId));

/** The delay before the attempt after `attempts` failed ones, with jitter (never earlier than the schedule). */
export const retryDelayMs = (attempts: number) => {
  const base = RETRY_DELAYS_MS[attempts - 1];
  return base === undefined ? null : Math.round(base * (1 + Math.random() * 0.1));
};

/** Up to 1 KB of the answer's body, without reading the rest. */
async function excerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (bytes.set(c, at), (at += c.byteLength));
  return new TextDecoder().decode(bytes.slice(0, EXCERPT_BYTES)).replace(/\uFFFD$/, '');
}

async function post(row: Row, body: string, now: number): Promise<Outcome> {
  const started = Date.now();
  const headers = { 'content-type': 'application/json', 'user-agent': 'Scheduling-Webhooks/1.0', ...signedHeaders(signingSecrets(row.endpoint, now), row.delivery.id, now, body) };
  try {
    const res = await fetch(row.endpoint.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    const text = await excerpt(res).catch(() => '');
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    return { status: res.status, response: location ? `redirect to ${location} not followed`.slice(0, EXCERPT_BYTES) : text, durationMs: Date.now() - started };
  } catch (error) {
    const name = (error as Error)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    return { status: null, response: timedOut ? `timeout after ${SEND_TIMEOUT_MS / 1000} s` : `network: ${String((error as Error)?.message ?? error)}`.slice(0, EXCERPT_BYTES), durationMs: Date.now() - started };
  }
}

/** Takes this attempt of the row (and keeps the body composed for it); false when another worker has it. */
async function claim(db: Db, row: Row, body: string, now: number): Promise<boolean> {
  const d = row.delivery;
  const result = await db
    .update(webhookDeliveries)
    .set({ attempts: d.attempts + 1, nextAttemptAt: now + LEASE_MS, payload: sql`coalesce(${webhookDeliveries.payload}, ${body})`, updatedAt: now })
    .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, 'pending'), eq(webhookDeliveries.attempts, d.attempts), lte(webhookDeliveries.nextAttemptAt, now)));
  return (result.meta.changes ?? 0) === 1;
}

/** The attempt's log line and the row's next state, only if no replay restarted it meanwhile. */
async function record(db: Db, row: Row, attempt: number, outcome: Outcome, now: number) {
  const mine = and(eq(webhookDeliveries.id, row.delivery.id), eq(webhookDeliveries.status, 'pending'), eq(webhookDeliveries.attempts, attempt));
  const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
  const gone = outcome.status === 410;
  const delay = ok || gone ? null : retryDelayMs(attempt);
  const state = ok
    ? { status: 'succeeded' as const, nextAttemptAt: null, reason: null }
    : gone
      ? { status: 'failed' as const, nextAttemptAt: null, reason: 'the receiver answered 410 Gone: endpoint disabled' }
      : delay === null || attempt >= MAX_ATTEMPTS
        ? { status: 'failed' as const, nextAttemptAt: null, reason: `gave up after ${attempt} attempts` }
        : { status: 'pending' as const, nextAttemptAt: now + delay, reason: null };
  const log = db.insert(webhookAttempts).values({ deliveryId: row.delivery.id, at: now, status: outcome.status, durationMs: outcome.durationMs, response: outcome.response });
  const update = db.update(webhookDeliveries).set({ ...state, updatedAt: now }).where(mine);
  if (gone) {
    const disable = db.update(webhookEndpoints).set({ active: false, disabledReason: 'gone', updatedAt: now }).where(eq(webhookEndpoints.id, row.endpoint.id));
    await db.batch([log, update, disable]);
  } else await db.batch([log, update]);
}

async function cancel(db: Db, ids: { id: string; reason: string }[], now: number) {
  if (ids.length === 0) return;
  await db.batch(
    ids.map(({ id, reason }) =>
      db.update(webhookDeliveries).set({ status: 'cancelled', reason, nextAttemptAt: null, updatedAt: now }).where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending'))),
    ) as never,
  );
}

/** Attempts the given due rows: composes bodies where none is kept yet, then claims and sends each. */
async function attemptRows(db: Db, rows: Row[], now: number, startedAt = Date.now()): Promise<number> {
  if (rows.length === 0) return 0;
  const composed = await composePayloads(db, rows);
  const cancelled: { id: string; reason: string }[] = [];
  const sendable: { row: Row; body: string }[] = [];
  for (const row of rows) {
    const c = composed.get(row.delivery.id);
    if (!row.endpoint.active && row.delivery.eventType !== 'ping') cancelled.push({ id: row.delivery.id, reason: row.endpoint.deletedAt ? 'endpoint deleted' : 'endpoint paused' });
    else if (c?.kind === 'cancel') cancelled.push({ id: row.delivery.id, reason: c.reason });
    else if (c?.kind === 'body') sendable.push({ row, body: c.body });
    else if (row.delivery.payload !== null) sendable.push({ row, body: row.delivery.payload });
    else cancelled.push({ id: row.delivery.id, reason: 'nothing to send' });
  }
  await cancel(db, cancelled, now);
  let next = 0;
  let attempted = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, sendable.length) }, async () => {
      while (next < sendable.length) {
        const { row, body } = sendable[next++];
        if (!(await claim(db, row, body, now))) continue;
        attempted++;
        // Signed at the time it is sent (receivers refuse stale timestamps), on the run's clock.
        await record(db, row, row.delivery.attempts + 1, await post(row, body, now + (Date.now() - startedAt)), now);
      }
    }),
  );
  return attempted;
}

const due = (now: number) => and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now));

/** The sweep's page: due rows, soonest first, on webhook_deliveries_due_idx (endpoints by primary key). */
export const dueDeliveriesQuery = (db: Db, now: number) => rowsQuery(db).where(due(now)).orderBy(asc(webhookDeliveries.nextAttemptAt)).limit(PAGE);
/** A change's due deliveries, on webhook_deliveries_booking_idx (`+` keeps SQLite off the due index, whose range may be long). */
export const bookingDeliveriesQuery = (db: Db, bookingIds: string[], now: number) =>
  rowsQuery(db).where(and(inArray(webhookDeliveries.bookingId, bookingIds), sql`+${webhookDeliveries.status} = 'pending' AND +${webhookDeliveries.nextAttemptAt} <= ${now}`));

/**
 * The platform stops a request's waitUntil 30 s after the answer: a run waits out the 5 s retry
 * only if that retry's send (up to its timeout) still fits.
 */
const REQUEST_BUDGET_MS = 28_000;

/**
 * SPEC 12's second attempt comes 5 s after the first. A run that made first attempts which
 * failed waits that out and sends them again itself, instead of leaving them to the next
 * five-minute sweep. The retry claims as any attempt does, so a sweep that got there first
 * simply wins. `now` is the run's clock at `startedAt`.
 */
async function waitOutFirstRetry(db: Db, rows: Row[], now: number, startedAt: number) {
  const ids = rows.filter((r) => r.delivery.attempts === 0).map((r) => r.delivery.id);
  if (ids.length === 0) return;
  const soon = now + Math.round(RETRY_DELAYS_MS[0] * 1.1) + 1;
  const retrying: Row[] = [];
  for (const slice of chunked(ids))
    retrying.push(...(await rowsQuery(db).where(and(inArray(webhookDeliveries.id, slice), eq(webhookDeliveries.status, 'pending'), eq(webhookDeliveries.attempts, 1), lte(webhookDeliveries.nextAttemptAt, soon)))));
  if (retrying.length === 0) return;
  // The full delay from now, when the first attempts have answered (one that took seconds to fail
  // still gets its 5 s), and only as many retries as one round of parallel sends can fit.
  const waitMs = Math.max(...retrying.map((r) => r.delivery.nextAttemptAt!)) - now;
  const fits = (n: number) => Date.now() - startedAt + waitMs + Math.ceil(n / PARALLEL) * SEND_TIMEOUT_MS <= REQUEST_BUDGET_MS;
  const batch = fits(retrying.length) ? retrying : fits(PARALLEL) ? retrying.slice(0, PARALLEL) : [];
  if (batch.length === 0) return;
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  // On the run's clock: never before the row's time, logged when it is really sent.
  await attemptRows(db, batch, now + (Date.now() - startedAt));
}

/** Sends the given deliveries now (a test ping, a replay), and their 5 s retry if they fail. */
export async function deliverByIds(env: Bindings, ids: string[], now: number) {
  const db = getDb(env.DB);
  const startedAt = Date.now();
  const rows: Row[] = [];
  for (const slice of chunked(ids)) rows.push(...(await rowsQuery(db).where(and(inArray(webhookDeliveries.id, slice), due(now)))));
  await attemptRows(db, rows, now, startedAt);
  await waitOutFirstRetry(db, rows, now, startedAt);
}

/** Right after a booking change commits: its due deliveries, at once (timed ones wait for their time), and their 5 s retry. */
export async function deliverForBookings(env: Bindings, bookingIds: string[], now: number) {
  const ids = [...new Set(bookingIds.filter(Boolean))];
  if (ids.length === 0) return;
  const db = getDb(env.DB);
  const startedAt = Date.now();
  const rows: Row[] = [];
  for (const slice of chunked(ids)) rows.push(...(await bookingDeliveriesQuery(db, slice, now)));
  await attemptRows(db, rows, now, startedAt);
  await waitOutFirstRetry(db, rows, now, startedAt);
}

/**
 * The cron's sweep: due deliveries a page at a time (retries, timed workflow deliveries, missed
 * immediate sends), and the 5 s retry of the first attempts it made (a timed workflow delivery's
 * first attempt is the sweep's), as a request's run does for its own.
 */
export async function sweepWebhooks(env: Bindings, now: number): Promise<number> {
  const db = getDb(env.DB);
  const startedAt = Date.now();
  let seen = 0;
  let attempted = 0;
  const firsts: Row[] = [];
  while (seen < MAX_PER_SWEEP) {
    const rows = await dueDeliveriesQuery(db, now);
    attempted += await attemptRows(db, rows, now, startedAt);
    firsts.push(...rows.filter((r) => r.delivery.attempts === 0));
    seen += rows.length;
    // Each row of a page leaves the due set (sent, rescheduled, failed, cancelled, or claimed by another worker).
    if (rows.length < PAGE) break;
  }
  await waitOutFirstRetry(db, firsts, now, startedAt);
  return attempted;
}

/** The prune's two statements (?1: the cutoff), each a bounded slice on its time index. */
export const PRUNE_ATTEMPTS_SQL = `DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts WHERE at < ?1 LIMIT 5000)`;
export const PRUNE_DELIVERIES_SQL = `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE created_at < ?1 AND status <> 'pending' LIMIT 5000)
  AND NOT EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = webhook_deliveries.id)`;

/** The cron forgets attempts older than 30 days, then finished deliveries as old with no attempt left. */
export async function pruneWebhookLog(env: Bindings, now: number, retentionMs: number): Promise<number> {
  const cutoff = now - retentionMs;
  const [attempts, deliveries] = await env.DB.batch([env.DB.prepare(PRUNE_ATTEMPTS_SQL).bind(cutoff), env.DB.prepare(PRUNE_DELIVERIES_SQL).bind(cutoff)]);
  return (attempts.meta.changes ?? 0) + (deliveries.meta.changes ?? 0);
}
