/**
 * Finding and claiming outbox rows in one statement. The claim is a lease: attempts + 1 and
 * next_attempt_at pushed past the run, taken by one UPDATE, so overlapping sweeps and the
 * immediate send never both hold a row. It returns only the columns delivery needs to decide
 * (never the bodies: a sweep of 1,000 due rows would otherwise read megabytes it mostly drops).
 * A workflow message whose booking is no longer confirmed (or whose seat left) is never claimed;
 * the cancellation message itself is (stillDueCondition).
 */
import { sql, type SQL } from 'drizzle-orm';
import { d1Statement } from '../db/batch';
import { stillDueCondition } from '../db/workflows';

const LEASE_MS = 2 * 60_000;

/** A claimed row: what delivery needs before it reads (or composes) a body. */
export type Claimed = { id: string; bookingId: string | null; kind: string; toAddress: string; attempts: number; fresh: boolean };

/** Which rows a claim may take: the ids of candidate rows, as a subquery. */
export const claimWindow = {
  /** The sweep's page: the oldest due rows, on email_outbox_due_idx (status, next_attempt_at). */
  due: (now: number, limit: number) =>
    sql`SELECT id FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= ${now} ORDER BY next_attempt_at LIMIT ${limit}`,
  /** Rows just committed (the immediate send). */
  ids: (ids: string[]) => sql`SELECT value FROM json_each(${JSON.stringify(ids)})`,
  /** A booking's due workflow messages (instant triggers), on email_outbox_booking_idx. */
  booking: (bookingId: string, now: number) =>
    sql`SELECT id FROM email_outbox WHERE booking_id = ${bookingId} AND +status = 'pending' AND workflow_id IS NOT NULL AND +next_attempt_at <= ${now}`,
};

/**
 * One statement over the window: a row still worth sending is claimed (status stays pending);
 * a workflow message the claim refuses (booking no longer confirmed, seat left) is recorded as
 * skipped, with why, so it leaves the due set instead of being read every sweep. Whether a row
 * is still due is evaluated once per row, in the FROM.
 */
export const claimSql = (window: SQL, now: number) => sql`UPDATE email_outbox SET
    attempts = attempts + c.ok,
    next_attempt_at = CASE WHEN c.ok THEN ${now + LEASE_MS} ELSE next_attempt_at END,
    status = CASE WHEN c.ok THEN status ELSE 'skipped' END,
    last_error = CASE WHEN c.ok THEN last_error ELSE ${STALE_REASON} END
  FROM (SELECT id, ${stillDueCondition} AS ok FROM email_outbox WHERE id IN (${window})) AS c
  WHERE email_outbox.id = c.id AND +email_outbox.status = 'pending' AND +email_outbox.next_attempt_at <= ${now}
  RETURNING id, booking_id, kind, to_address, attempts, text_body = '' AS fresh, status`;

const STALE_REASON = sql.raw(`coalesce(
    'Not sent: the booking was ' || (SELECT cb.status FROM bookings cb WHERE cb.id = email_outbox.booking_id AND cb.status <> 'confirmed') || ' before it was due',
    CASE WHEN EXISTS (SELECT 1 FROM bookings cb WHERE cb.id = email_outbox.booking_id) THEN 'Not sent: the booker left this meeting' ELSE 'Not sent: its booking is gone' END)`);

type ClaimedRow = { id: string; booking_id: string | null; kind: string; to_address: string; attempts: number; fresh: number; status: string };

/** One round trip: the window's rows claimed or skipped. `seen` counts both (the page's size). */
export async function claimRows(d1: D1Database, window: SQL, now: number): Promise<{ claimed: Claimed[]; seen: number }> {
  // A batch of one: a round trip like .all(), and the place tests interleave a racing cancel.
  const [{ results }] = await d1.batch<ClaimedRow>([d1Statement(d1, claimSql(window, now))]);
  const claimed = results
    .filter((r) => r.status === 'pending')
    .map((r) => ({ id: r.id, bookingId: r.booking_id, kind: r.kind, toAddress: r.to_address, attempts: r.attempts, fresh: r.fresh === 1 }));
  return { claimed, seen: results.length };
}
