/**
 * Outbox delivery. Rows are found and claimed in one statement (./claim.ts: a lease, so
 * overlapping sweeps and the immediate send never both send one row; it ends with the write of
 * the row's outcome), sent through Resend with
 * the row id as the Idempotency-Key (./resend-send.ts), retried with exponential backoff on
 * 429/5xx/network errors and marked failed on any other 4xx or after MAX_ATTEMPTS. Briefings
 * and workflow messages are queued without a body and composed after the claim, by their
 * kind's composer (./composers.ts), which skips a workflow message whose booking is no longer
 * confirmed; every write after it re-checks that, so a sweep overlapping a cancel sends nothing
 * after it. Without RESEND_API_KEY mail stays in the local mailbox (/dev/mailbox).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb, type Db } from '../db/client';
import { chunked, d1Statement } from '../db/batch';
import { stillDueCondition } from '../db/workflows';
import { COMPOSERS, type Composed } from './composers';
import { LEASE_MS, claimRows, claimWindow, pruneLeasesSql, releaseSql, type Claimed } from './claim';
import { BOOKER_FACING, SEND_TIMEOUT_MS, attempt, record, recordStatements, type Mail } from './resend-send';

export { MAX_ATTEMPTS, backoffMs } from './resend-send';
/**
 * Due rows claimed per page of a sweep: the claim is one statement that returns no bodies, so
 * a busy minute's reminders are one page.
 */
const BATCH = 1_000;
/** A sweep works through the due rows page by page, up to this many (a busy hour's briefings). */
const MAX_PER_SWEEP = 2_000;
/**
 * Resend's default limit is a few requests a second: a short Retry-After is waited out in the
 * run (a busy hour's briefings then go out paced, not five minutes apart), up to a budget per
 * run; a longer one defers the row to a later sweep.
 */
const MAX_INLINE_WAIT_S = 5;
/** The cron may wait longer than a request's waitUntil, which the platform cuts off at 30 s. */
const SWEEP_WAIT_BUDGET_MS = 120_000;
const REQUEST_WAIT_BUDGET_MS = 10_000;
/**
 * Where a sweep's time goes (the scheduled run's log line and the bench report it): finding and
 * claiming the due rows (one statement), composing the queued ones, writing what became of them.
 */
export type SweepTimings = { claimMs: number; composeMs: number; recordMs: number };
/**
 * A run stops sending this long before its lease ends (one send's timeout and a margin), so
 * another run never takes over a row this one may still be sending.
 */
const LEASE_MARGIN_MS = SEND_TIMEOUT_MS + 5_000;
/** startedAt: the run's real start, when its clock read `now`; outOfTime: a lease ran short. */
type Pacer = { waitedMs: number; budgetMs: number; startedAt: number; outOfTime?: boolean; timings?: SweepTimings };
const since = (t: number) => performance.now() - t;

/**
 * Rows are matched by id from a JSON list, with `+status` so SQLite looks each id up on the
 * primary key instead of walking every pending row of the status index. Still pending: a cancel
 * committed since the claim has made it 'cancelled', and nothing is written over that.
 */
const PENDING_BY_ID = sql.raw(`email_outbox.id = e.value ->> 'id' AND +email_outbox.status = 'pending'`);
const json = (items: unknown[]) => JSON.stringify(items);

/**
 * Composes the claimed rows of composed kinds (email/composers.ts). Rows with nothing left to
 * say (booking cancelled or moved, meeting started) are to be skipped. A retry keeps the mail
 * it was first composed with (Resend refuses one key with two payloads): only fresh rows take
 * the new body. Returns per row its composed mail or skip, and the statements the mails depend
 * on (a manage token they link to), committed before anything is sent.
 */
async function compose(env: Bindings, db: Db, rows: Claimed[], now: number) {
  const byKind = new Map<string, Claimed[]>();
  for (const row of rows) if (COMPOSERS[row.kind]) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
  const results = new Map<string, Composed>();
  const depends: D1PreparedStatement[] = [];
  const ctx = { env, db, origin: env.APP_URL.replace(/\/+$/, ''), now };
  // A composer that throws fails its own kind's rows for this attempt (retried with backoff, then
  // failed like any send), never the other kinds' nor every later sweep's page.
  const unComposed: { row: Claimed; error: string }[] = [];
  for (const [kind, ofKind] of byKind) {
    try {
      const out = await COMPOSERS[kind](ctx, ofKind);
      for (const row of ofKind) results.set(row.id, out.results.get(row.id) ?? { kind: 'skip', reason: 'Not sent: its booking is gone' });
      depends.push(...out.statements);
    } catch (error) {
      const message = `Could not compose: ${String((error as Error)?.message ?? error)}`.slice(0, 500);
      unComposed.push(...ofKind.map((row) => ({ row, error: message })));
    }
  }
  const fresh = new Set(rows.filter((r) => r.fresh).map((r) => r.id));
  const skipped: { id: string; reason: string }[] = [];
  const bodies: { id: string; subject: string; html: string; text: string }[] = [];
  for (const [id, composed] of results) {
    if (composed.kind === 'skip') skipped.push({ id, reason: composed.reason });
    else if (fresh.has(id)) bodies.push({ id, subject: composed.email.subject, html: composed.email.html, text: composed.email.text });
  }
  const skip = chunked(skipped, 200).flatMap((slice) => [
    d1Statement(env.DB, sql`UPDATE email_outbox SET status = 'skipped', last_error = e.value ->> 'reason' FROM json_each(${json(slice)}) AS e WHERE ${PENDING_BY_ID}`),
    d1Statement(env.DB, releaseSql(slice.map((s) => s.id))),
  ]);
  return { notSent: new Set([...skipped.map((s) => s.id), ...unComposed.map((u) => u.row.id)]), unComposed, bodies, statements: [...depends, ...skip] };
}

/** Booker-facing rows' bookings show the mail as kept (the Bookings page's email status). */
const keptBookingsStatement = (env: Bindings, rows: Claimed[]) => {
  const ids = [...new Set(rows.filter((r) => r.bookingId && BOOKER_FACING.includes(r.kind)).map((r) => r.bookingId!))];
  return ids.length
    ? [d1Statement(env.DB, sql`UPDATE bookings SET email_status = 'sent', email_attempts = email_attempts + 1, email_provider_id = 'local-mailbox',
        email_last_error = NULL WHERE id IN (SELECT value FROM json_each(${json(ids)}))`)]
    : [];
};

/**
 * Without a Resend key mail stays in the local mailbox: one batch records what became of every
 * claimed row (the tokens its links need, the skips, the kept rows with their composed bodies
 * so the mailbox can show them, the bookings' email status).
 */
async function keepLocally(env: Bindings, rows: Claimed[], done: Awaited<ReturnType<typeof compose>>, now: number) {
  const bodyOf = new Map(done.bodies.map((b) => [b.id, b]));
  const kept = rows.filter((r) => !done.notSent.has(r.id));
  const entries = kept.map((r) => ({ ...bodyOf.get(r.id), id: r.id, attempts: r.attempts }));
  const statements = [
    ...done.statements,
    ...chunked(entries, 200).flatMap((slice) => [
      d1Statement(
        env.DB,
        sql`UPDATE email_outbox SET status = 'sent', sent_at = ${now}, provider_message_id = 'local-mailbox', attempts = e.value ->> 'attempts',
            subject = coalesce(e.value ->> 'subject', subject), html = coalesce(e.value ->> 'html', html), text_body = coalesce(e.value ->> 'text', text_body)
          FROM json_each(${json(slice)}) AS e WHERE ${PENDING_BY_ID} AND ${stillDueCondition}`,
      ),
      d1Statement(env.DB, releaseSql(slice.map((e) => e.id))),
    ]),
    ...keptBookingsStatement(env, kept),
  ];
  if (statements.length) await env.DB.batch(statements);
}

type BodyRow = { id: string; subject: string; html: string; text_body: string; ics: string | null; ics_method: string | null };

/**
 * Before Resend: one batch commits the tokens and skips, stores each fresh body (kept for the
 * retries of its Idempotency-Key) and reads the bodies of the others, each only while the row is
 * still pending and still due (a cancel since the claim stops it here). Returns what to send.
 */
async function prepareSends(env: Bindings, rows: Claimed[], done: Awaited<ReturnType<typeof compose>>): Promise<Mail[]> {
  const fresh = new Set(done.bodies.map((b) => b.id));
  const stored = rows.filter((r) => !done.notSent.has(r.id) && !fresh.has(r.id)).map((r) => ({ id: r.id }));
  const stores = chunked(done.bodies, 200).map((slice) =>
    d1Statement(env.DB, sql`UPDATE email_outbox SET subject = e.value ->> 'subject', html = e.value ->> 'html', text_body = e.value ->> 'text'
      FROM json_each(${json(slice)}) AS e WHERE ${PENDING_BY_ID} AND ${stillDueCondition} RETURNING id, subject, html, text_body, ics, ics_method`),
  );
  const loads = chunked(stored, 200).map((slice) =>
    d1Statement(env.DB, sql`SELECT email_outbox.id, subject, html, text_body, ics, ics_method FROM json_each(${json(slice)}) AS e
      JOIN email_outbox ON ${PENDING_BY_ID} WHERE ${stillDueCondition}`),
  );
  const reads = [...stores, ...loads];
  if (done.statements.length + reads.length === 0) return []; // nothing left of the page (its composer failed)
  const results = await env.DB.batch<BodyRow>([...done.statements, ...reads]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return results
    .slice(done.statements.length)
    .flatMap((r) => r.results)
    .map((b) => ({ ...byId.get(b.id)!, subject: b.subject, html: b.html, textBody: b.text_body, ics: b.ics, icsMethod: b.ics_method }));
}

/** Claims the window's rows and delivers them; returns how many rows the window held. */
async function deliverWindow(env: Bindings, window: SQL, now: number, pacer: Pacer): Promise<{ claimed: number; seen: number }> {
  const db = getDb(env.DB);
  const timings = pacer.timings ?? { claimMs: 0, composeMs: 0, recordMs: 0 };
  let t = performance.now();
  // The lease runs from the moment of the claim (a sweep's later page is claimed well after `now`).
  const claimedAt = Date.now();
  const { claimed: rows, seen } = await claimRows(env.DB, window, now, now + (claimedAt - pacer.startedAt) + LEASE_MS);
  timings.claimMs += since(t);
  const leaseLeft = (aheadMs: number) => Date.now() + aheadMs + LEASE_MARGIN_MS <= claimedAt + LEASE_MS;
  if (rows.length === 0) return { claimed: 0, seen };
  t = performance.now();
  const done = await compose(env, db, rows, now);
  // Each counts as an attempt that failed, backed off or failed at MAX_ATTEMPTS: a batch per 100 rows.
  for (const slice of chunked(done.unComposed, 100)) {
    const statements = slice.flatMap(({ row, error }) => recordStatements(db, row, { kind: 'retry', error }, now));
    await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  }
  timings.composeMs += since(t);
  t = performance.now();
  if (!env.RESEND_API_KEY) {
    await keepLocally(env, rows, done, now);
    timings.recordMs += since(t);
    return { claimed: rows.length, seen };
  }
  const withKey = { ...env, RESEND_API_KEY: env.RESEND_API_KEY };
  const mails = await prepareSends(env, rows, done);
  // Claimed but no longer to be sent (cancelled or moved since the claim): its lease ends now.
  const sending = new Set(mails.map((m) => m.id));
  const dropped = rows.filter((r) => !sending.has(r.id) && !done.notSent.has(r.id)).map((r) => r.id);
  for (const [i, row] of mails.entries()) {
    if (!leaseLeft(0)) {
      // Out of lease: the rest go back to the due set, untried, for the next run.
      dropped.push(...mails.slice(i).map((m) => m.id));
      pacer.outOfTime = true;
      break;
    }
    let outcome = await attempt(withKey, row);
    while (outcome.kind === 'retry' && outcome.rateLimited && pacer.waitedMs < pacer.budgetMs) {
      const waitS = outcome.retryAfterSeconds ?? 1;
      if (waitS > MAX_INLINE_WAIT_S || !leaseLeft(waitS * 1000)) break;
      await new Promise((resolve) => setTimeout(resolve, waitS * 1000));
      pacer.waitedMs += waitS * 1000;
      outcome = await attempt(withKey, row);
    }
    await record(db, row, outcome, now);
  }
  if (dropped.length) await env.DB.batch(chunked(dropped, 500).map((ids) => d1Statement(env.DB, releaseSql(ids))));
  timings.recordMs += since(t);
  return { claimed: rows.length, seen };
}

/** Sends the given outbox rows now (right after the commit that wrote them). */
export async function deliverOutbox(env: Bindings, ids: string[], now: number) {
  const pacer: Pacer = { waitedMs: 0, budgetMs: REQUEST_WAIT_BUDGET_MS, startedAt: Date.now() };
  for (const slice of chunked(ids, 500)) await deliverWindow(env, claimWindow.ids(slice, now), now, pacer);
}

/**
 * A booking's workflow messages that are due now (instant triggers), sent right after the
 * change that queued them instead of waiting for the sweep. On email_outbox_booking_idx.
 */
export async function deliverDueOfBooking(env: Bindings, bookingId: string, now: number) {
  await deliverWindow(env, claimWindow.booking(bookingId, now), now, { waitedMs: 0, budgetMs: REQUEST_WAIT_BUDGET_MS, startedAt: Date.now() });
}

/**
 * The cron's sweep: every pending row that is due, a page at a time, so a busy hour's
 * briefings all go out in the run that queued them. Nothing before it is due.
 */
export async function sweepOutbox(env: Bindings, now: number, timings: SweepTimings = { claimMs: 0, composeMs: 0, recordMs: 0 }) {
  const pacer: Pacer = { waitedMs: 0, budgetMs: SWEEP_WAIT_BUDGET_MS, startedAt: Date.now(), timings };
  let attempted = 0;
  while (attempted < MAX_PER_SWEEP) {
    const page = await deliverWindow(env, claimWindow.due(now, Math.min(BATCH, MAX_PER_SWEEP - attempted)), now, pacer);
    attempted += page.seen;
    // Every claimed row leaves the due set (its lease, then sent, failed, skipped or due later).
    if (page.claimed < BATCH || pacer.outOfTime) break;
  }
  await env.DB.batch([d1Statement(env.DB, pruneLeasesSql(now))]);
  return attempted;
}
