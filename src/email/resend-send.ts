/**
 * One outbox row through Resend: the send (row id as the Idempotency-Key, bounded by a
 * timeout) and the record of its outcome with its booking's email status (BOOKER_FACING).
 */
import { Resend } from 'resend';
import { eq, sql } from 'drizzle-orm';
import type { Bindings } from '../env';
import type { Db } from '../db/client';
import { bookings, outbox, outboxLeases } from '../db/schema';
import type { Claimed } from './claim';

export const MAX_ATTEMPTS = 8;
/** A send Resend has not answered by then is retried later under the same Idempotency-Key. */
export const SEND_TIMEOUT_MS = 5_000;
/** Kinds whose delivery the booking itself shows (the Bookings page's email status). */
export const BOOKER_FACING = ['booking_confirmation', 'host_rescheduled', 'cancellation_booker'];

export const backoffMs = (attempts: number, retryAfterSeconds?: number) =>
  Math.max(Math.min(60_000 * 2 ** (attempts - 1), 3_600_000), (retryAfterSeconds ?? 0) * 1000);

/** A claimed row with the mail it sends. */
export type Mail = Claimed & { subject: string; html: string; textBody: string; ics: string | null; icsMethod: string | null };
export type Outcome =
  | { kind: 'sent'; providerId: string }
  | { kind: 'retry'; error: string; rateLimited?: boolean; retryAfterSeconds?: number }
  | { kind: 'failed'; error: string };

async function send(env: Bindings & { RESEND_API_KEY: string }, row: Mail): Promise<Outcome> {
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

/** What became of a row's attempt, recorded (and its lease ended) in one batch. */
export async function record(db: Db, row: Claimed, outcome: Outcome, now: number) {
  const statements = recordStatements(db, row, outcome, now);
  await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

/** The statements that record an attempt's outcome: the row, its lease, and a booker-facing row's booking. */
export function recordStatements(db: Db, row: Claimed, outcome: Outcome, now: number) {
  const attempts = row.attempts;
  const update =
    outcome.kind === 'sent'
      ? // Once Resend has it, the body (which may hold a booker's manage link) is not kept.
        db
          .update(outbox)
          .set({ status: 'sent', attempts, sentAt: now, providerMessageId: outcome.providerId, lastError: null, html: '', textBody: '', ics: null })
          .where(eq(outbox.id, row.id))
      : outcome.kind === 'failed' || attempts >= MAX_ATTEMPTS
        ? // Never sent now either: a body holding a manage or set-password link is not kept.
          db.update(outbox).set({ status: 'failed', attempts, lastError: outcome.error, html: '', textBody: '', ics: null }).where(eq(outbox.id, row.id))
        : db.update(outbox).set({ attempts, lastError: outcome.error, nextAttemptAt: now + backoffMs(attempts, outcome.retryAfterSeconds) }).where(eq(outbox.id, row.id));
  // The attempt the claim counted is recorded with its outcome, and the claim's lease ends.
  const statements = [update, db.delete(outboxLeases).where(eq(outboxLeases.outboxId, row.id)) as unknown as typeof update];
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
  return statements;
}


/** A send; a thrown network error is a retry. */
export async function attempt(env: Bindings & { RESEND_API_KEY: string }, row: Mail): Promise<Outcome> {
  try {
    return await send(env, row);
  } catch (error) {
    return { kind: 'retry', error: `network: ${String((error as Error)?.message ?? error)}`.slice(0, 500) };
  }
}
