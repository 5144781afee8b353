/**
 * Outbox delivery. Rows are claimed with a conditional update (so overlapping sweeps and the
 * immediate send never both send one row), sent through Resend with the row id as the
 * Idempotency-Key, retried with exponential backoff on 429/5xx/network errors and marked
 * failed on any other 4xx or after MAX_ATTEMPTS. Briefings and workflow messages are queued
 * without a body and composed just before they go out, by their kind's composer
 * (./composers.ts). A claim refuses a workflow message whose booking is no longer confirmed,
 * so a sweep overlapping a cancel sends nothing after it. Without RESEND_API_KEY mail stays in
 * the local mailbox (/dev/mailbox).
 */
import { Resend } from 'resend';
import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb, type Db } from '../db/client';
import { chunked, d1Statement } from '../db/batch';
import { bookings, outbox } from '../db/schema';
import { COMPOSERS, type Composed } from './composers';
import { stillDueCondition } from '../db/workflows';

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 2 * 60_000;
/**
 * Due rows read per page of a sweep: each read is a round trip, so a busy minute's reminders
 * come in one or two (composing and claiming take a page in a few set-based statements).
 */
const BATCH = 1_000;
/** A sweep works through the due rows page by page, up to this many (a busy hour's briefings). */
const MAX_PER_SWEEP = 2_000;
/** A send Resend has not answered by then is retried later under the same Idempotency-Key. */
const SEND_TIMEOUT_MS = 5_000;
/**
 * Resend's default limit is a few requests a second: a short Retry-After is waited out in the
 * run (a busy hour's briefings then go out paced, not five minutes apart), up to a budget per
 * run; a longer one defers the row to a later sweep.
 */
const MAX_INLINE_WAIT_S = 5;
/** The cron may wait longer than a request's waitUntil, which the platform cuts off at 30 s. */
const SWEEP_WAIT_BUDGET_MS = 120_000;
const REQUEST_WAIT_BUDGET_MS = 10_000;
/** Where a sweep's time goes (the scheduled run's log line and the bench report it). */
export type SweepTimings = { findMs: number; composeMs: number; claimMs: number };
type Pacer = { waitedMs: number; budgetMs: number; timings?: SweepTimings };
const since = (t: number) => performance.now() - t;

const BOOKER_FACING = ['booking_confirmation', 'host_rescheduled', 'cancellation_booker'];

export const backoffMs = (attempts: number, retryAfterSeconds?: number) =>
  Math.max(Math.min(60_000 * 2 ** (attempts - 1), 3_600_000), (retryAfterSeconds ?? 0) * 1000);

type Row = typeof outbox.$inferSelect;
type Outcome =
  | { kind: 'sent'; providerId: string }
  | { kind: 'retry'; error: string; rateLimited?: boolean; retryAfterSeconds?: number }
  | { kind: 'failed'; error: string };

async function send(env: Bindings & { RESEND_API_KEY: string }, row: Row): Promise<Outcome> {
  const resend = new Resend(env.RESEND_API_KEY, { baseUrl: env.RESEND_BASE_URL });
  const { data, error, headers } = await resend.emails.send(
    {
      from: env.EMAIL_FROM,
      to: [row.toAddress],
      subject: row.subject,
      html: row.html,
      text: row.textBody,
      attachments:
        row.ics && row.icsMethod
          ? [{ filename: 'invite.ics', content: btoa(unescape(encodeURIComponent(row.ics))), contentType: `text/calendar; method=${row.icsMethod}; charset=UTF-8` }]
          : undefined,
    },
    { idempotencyKey: row.id, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) },
  );
  if (data?.id) return { kind: 'sent', providerId: data.id };
  const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  const message = `${status ?? 'network'}: ${error?.message ?? 'no response'}`.slice(0, 500);
  if (status === null || status === 429 || status >= 500) {
    const retryAfter = Number(headers?.['retry-after']);
    return { kind: 'retry', error: message, rateLimited: status === 429, retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined };
  }
  return { kind: 'failed', error: message };
}

/**
 * Takes a row for this attempt; false when another worker already holds or finished it. A
 * briefing composed for this attempt keeps its body from here on: a retry sends the same mail
 * under the same Idempotency-Key (Resend refuses one key with two payloads).
 */
async function claim(db: Db, row: Row, now: number, composed: boolean): Promise<boolean> {
  const result = await db
    .update(outbox)
    .set({ attempts: row.attempts + 1, nextAttemptAt: now + LEASE_MS, ...(composed ? { subject: row.subject, html: row.html, textBody: row.textBody } : {}) })
    .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending'), eq(outbox.attempts, row.attempts), lte(outbox.nextAttemptAt, now), stillDueCondition));
  return (result.meta.changes ?? 0) === 1;
}

async function record(db: Db, row: Row, attempts: number, outcome: Outcome, now: number) {
  const update =
    outcome.kind === 'sent'
      ? // Once Resend has it, the body (which may hold a booker's manage link) is not kept.
        db
          .update(outbox)
          .set({ status: 'sent', sentAt: now, providerMessageId: outcome.providerId, lastError: null, html: '', textBody: '', ics: null })
          .where(eq(outbox.id, row.id))
      : outcome.kind === 'failed' || attempts >= MAX_ATTEMPTS
        ? // Never sent now either: a body holding a manage or set-password link is not kept.
          db.update(outbox).set({ status: 'failed', lastError: outcome.error, html: '', textBody: '', ics: null }).where(eq(outbox.id, row.id))
        : db.update(outbox).set({ lastError: outcome.error, nextAttemptAt: now + backoffMs(attempts, outcome.retryAfterSeconds) }).where(eq(outbox.id, row.id));
  const statements = [update];
  if (row.bookingId && BOOKER_FACING.includes(row.kind)) {
    const status = outcome.kind === 'sent' ? 'sent' : outcome.kind === 'failed' || attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
    statements.push(
      db
        .update(bookings)
        .set({
          emailStatus: status,
          emailAttempts: attempts,
          emailLastError: outcome.kind === 'sent' ? null : outcome.error,
          emailProviderId: outcome.kind === 'sent' ? outcome.providerId : sql`${bookings.emailProviderId}`,
        })
        .where(eq(bookings.id, row.bookingId)) as unknown as typeof update,
    );
  }
  await db.batch(statements as [typeof update]);
}

/**
 * Rows are matched by id from a JSON list, with `+status` so SQLite looks each id up on the
 * primary key instead of walking every pending row of the status index.
 */
const PENDING_BY_ID = sql.raw(`email_outbox.id = e.value ->> 'id' AND +email_outbox.status = 'pending'`);

/**
 * Without a Resend key mail stays in the local mailbox: mark it kept in one write (claimed as
 * the Resend path claims). Composed rows get their bodies so the mailbox can show them.
 */
async function keepLocally(env: Bindings, db: Db, rows: Row[], composed: Set<string>, now: number) {
  const bookingIds = [...new Set(rows.filter((r) => r.bookingId && BOOKER_FACING.includes(r.kind)).map((r) => r.bookingId!))];
  const kept = rows.map((r) => (composed.has(r.id) ? { id: r.id, subject: r.subject, html: r.html, text: r.textBody } : { id: r.id }));
  const statements = [
    ...chunked(kept, 200).map((slice) =>
      d1Statement(
        env.DB,
        sql`UPDATE email_outbox SET status = 'sent', sent_at = ${now}, attempts = attempts + 1, provider_message_id = 'local-mailbox',
            subject = coalesce(e.value ->> 'subject', subject), html = coalesce(e.value ->> 'html', html), text_body = coalesce(e.value ->> 'text', text_body)
          FROM json_each(${JSON.stringify(slice)}) AS e WHERE ${PENDING_BY_ID} AND ${stillDueCondition}`,
      ),
    ),
    ...chunked(bookingIds).map((ids) =>
      d1Statement(
        env.DB,
        db
          .update(bookings)
          .set({ emailStatus: 'sent', emailAttempts: sql`${bookings.emailAttempts} + 1`, emailProviderId: 'local-mailbox', emailLastError: null })
          .where(inArray(bookings.id, ids)),
      ),
    ),
  ];
  await env.DB.batch(statements);
}

/**
 * Gives rows of composed kinds (email/composers.ts) their bodies, those not composed by an
 * earlier attempt; a retry keeps the mail it was first composed with. Rows with nothing left
 * to say (booking cancelled or moved, meeting started) are marked skipped instead of sent.
 * What a mail depends on (a manage token it links to) is committed here, before it is sent.
 * Returns the rows to send and the ids composed just now.
 */
async function composeQueued(env: Bindings, db: Db, rows: Row[], now: number): Promise<{ ready: Row[]; composed: Set<string> }> {
  const composedNow = new Set<string>();
  const byKind = new Map<string, Row[]>();
  for (const row of rows) if (COMPOSERS[row.kind]) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
  if (byKind.size === 0) return { ready: rows, composed: composedNow };
  const ctx = { env, db, origin: env.APP_URL.replace(/\/+$/, ''), now };
  const results = new Map<string, Composed>();
  const depends: D1PreparedStatement[] = [];
  for (const [kind, ofKind] of byKind) {
    const out = await COMPOSERS[kind](ctx, ofKind);
    for (const [id, composed] of out.results) results.set(id, composed);
    depends.push(...out.statements);
  }
  const ready: Row[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const row of rows) {
    if (!COMPOSERS[row.kind]) {
      ready.push(row);
      continue;
    }
    const composed = results.get(row.id) ?? { kind: 'skip', reason: 'Not sent: its booking is gone' };
    if (composed.kind === 'skip') skipped.push({ id: row.id, reason: composed.reason });
    else if (row.textBody) ready.push(row);
    else {
      ready.push({ ...row, subject: composed.email.subject, html: composed.email.html, textBody: composed.email.text });
      composedNow.add(row.id);
    }
  }
  const statements = [
    ...depends,
    ...chunked(skipped, 200).map((slice) =>
      d1Statement(
        env.DB,
        sql`UPDATE email_outbox SET status = 'skipped', last_error = e.value ->> 'reason' FROM json_each(${JSON.stringify(slice)}) AS e WHERE ${PENDING_BY_ID}`,
      ),
    ),
  ];
  if (statements.length) await env.DB.batch(statements);
  return { ready, composed: composedNow };
}

async function attempt(env: Bindings & { RESEND_API_KEY: string }, row: Row): Promise<Outcome> {
  try {
    return await send(env, row);
  } catch (error) {
    return { kind: 'retry', error: `network: ${String((error as Error)?.message ?? error)}`.slice(0, 500) };
  }
}

async function deliverRows(env: Bindings, db: Db, queued: Row[], now: number, pacer: Pacer) {
  if (queued.length === 0) return;
  const timings = pacer.timings ?? { findMs: 0, composeMs: 0, claimMs: 0 };
  let t = performance.now();
  const { ready: rows, composed } = await composeQueued(env, db, queued, now);
  timings.composeMs += since(t);
  if (rows.length === 0) return;
  t = performance.now();
  // Kept locally, the claim is the one conditional write that also records the row as kept.
  if (!env.RESEND_API_KEY) return keepLocally(env, db, rows, composed, now).finally(() => (timings.claimMs += since(t)));
  const withKey = { ...env, RESEND_API_KEY: env.RESEND_API_KEY };
  for (const row of rows) {
    t = performance.now();
    const claimed = await claim(db, row, now, composed.has(row.id));
    timings.claimMs += since(t);
    if (!claimed) continue;
    let outcome = await attempt(withKey, row);
    while (outcome.kind === 'retry' && outcome.rateLimited && pacer.waitedMs < pacer.budgetMs) {
      const waitS = outcome.retryAfterSeconds ?? 1;
      if (waitS > MAX_INLINE_WAIT_S) break;
      await new Promise((resolve) => setTimeout(resolve, waitS * 1000));
      pacer.waitedMs += waitS * 1000;
      outcome = await attempt(withKey, row);
    }
    await record(db, row, row.attempts + 1, outcome, now);
  }
}

/** Sends the given outbox rows now (right after the commit that wrote them). */
export async function deliverOutbox(env: Bindings, ids: string[], now: number) {
  if (ids.length === 0) return;
  const db = getDb(env.DB);
  const pacer = { waitedMs: 0, budgetMs: REQUEST_WAIT_BUDGET_MS };
  for (const slice of chunked(ids)) {
    const rows = await db.select().from(outbox).where(and(inArray(outbox.id, slice), eq(outbox.status, 'pending')));
    await deliverRows(env, db, rows, now, pacer);
  }
}

/**
 * A booking's workflow messages that are due now (instant triggers), sent right after the
 * change that queued them instead of waiting for the sweep. On email_outbox_booking_idx.
 */
export async function deliverDueOfBooking(env: Bindings, bookingId: string, now: number) {
  const db = getDb(env.DB);
  const rows = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.bookingId, bookingId), eq(outbox.status, 'pending'), isNotNull(outbox.workflowId), lte(outbox.nextAttemptAt, now)));
  await deliverRows(env, db, rows, now, { waitedMs: 0, budgetMs: REQUEST_WAIT_BUDGET_MS });
}

/**
 * The cron's sweep: every pending row that is due, a page at a time, so a busy hour's
 * briefings all go out in the run that queued them.
 */
export async function sweepOutbox(env: Bindings, now: number, timings: SweepTimings = { findMs: 0, composeMs: 0, claimMs: 0 }) {
  const db = getDb(env.DB);
  const pacer = { waitedMs: 0, budgetMs: SWEEP_WAIT_BUDGET_MS, timings };
  let attempted = 0;
  while (attempted < MAX_PER_SWEEP) {
    const found = performance.now();
    const rows = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.nextAttemptAt))
      .limit(BATCH);
    timings.findMs += since(found);
    await deliverRows(env, db, rows, now, pacer);
    attempted += rows.length;
    // Every row of a page leaves the due set (sent, failed, skipped, or due again later).
    if (rows.length < BATCH) break;
  }
  return attempted;
}
