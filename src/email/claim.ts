/**
 * Finding and claiming outbox rows in one statement. The claim is a lease in its own small table
 * (email_outbox_leases, migration 0017): one INSERT … SELECT over the due index takes every row
 * of the window no one holds, so overlapping sweeps and the immediate send never both hold a
 * row, and a sweep's 1,000 claims write one small table instead of 1,000 rows scattered over
 * the outbox. The outbox row itself is written once, when its outcome is recorded (with the
 * attempt the claim counted), and the lease goes with that write. A lease that outlives its
 * run (the worker died mid-send) ends after LEASE_MS; the next claim counts that attempt too.
 * The claim returns only what delivery needs to decide (never the bodies). Whether a workflow
 * message is still worth sending is decided by its composer, which reads the booking anyway,
 * and re-checked by every write after it (stillDueCondition).
 */
import { sql, type SQL } from 'drizzle-orm';
import { d1Statement } from '../db/batch';

export const LEASE_MS = 2 * 60_000;

/** A claimed row: what delivery needs before it reads (or composes) a body. */
export type Claimed = { id: string; bookingId: string | null; kind: string; toAddress: string; attempts: number; fresh: boolean };

/** No delivery holds the row (a lease past its end is taken over). */
const unleased = (now: number) =>
  sql`NOT EXISTS (SELECT 1 FROM email_outbox_leases l WHERE l.outbox_id = o.id AND l.until > ${now})`;

/**
 * Which rows a claim may take, as the FROM … WHERE of a select over the outbox `o`: pending,
 * due, not held. Each must have a WHERE: SQLite cannot parse INSERT … SELECT … ON CONFLICT
 * without one.
 */
export const claimWindow = {
  /** The sweep's page: the oldest due rows, on email_outbox_due_idx (status, next_attempt_at). */
  due: (now: number, limit: number) =>
    sql`FROM email_outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= ${now} AND ${unleased(now)}
      ORDER BY o.next_attempt_at LIMIT ${limit}`,
  /** Rows just committed (the immediate send), each on the primary key. */
  ids: (ids: string[], now: number) =>
    sql`FROM json_each(${JSON.stringify(ids)}) AS e JOIN email_outbox o ON o.id = e.value
      WHERE +o.status = 'pending' AND +o.next_attempt_at <= ${now} AND ${unleased(now)}`,
  /** A booking's due workflow messages (instant triggers), on email_outbox_booking_idx. */
  booking: (bookingId: string, now: number) =>
    sql`FROM email_outbox o WHERE o.booking_id = ${bookingId} AND +o.status = 'pending' AND o.workflow_id IS NOT NULL
      AND +o.next_attempt_at <= ${now} AND ${unleased(now)}`,
};

/**
 * One statement over the window: a lease per row (taking over one that ended), returning the
 * claimed rows. `attempts` is the attempt this claim makes: the recorded ones plus the leases
 * taken since (a send that died counts). Only rows inserted or taken over are returned, so a
 * row another delivery holds is not claimed twice.
 */
export const claimSql = (window: SQL, now: number, until = now + LEASE_MS) => sql`INSERT INTO email_outbox_leases
    (outbox_id, until, booking_id, kind, to_address, attempts, fresh)
  SELECT o.id, ${until}, o.booking_id, o.kind, o.to_address, o.attempts, o.text_body = ''
  ${window}
  ON CONFLICT (outbox_id) DO UPDATE SET until = excluded.until, taken = taken + 1, attempts = excluded.attempts, fresh = excluded.fresh
    WHERE email_outbox_leases.until <= ${now}
  RETURNING outbox_id AS id, booking_id, kind, to_address, attempts + taken AS attempts, fresh`;

type ClaimedRow = { id: string; booking_id: string | null; kind: string; to_address: string; attempts: number; fresh: number };

/** One round trip: the window's rows, claimed. `seen` is the page's size. */
export async function claimRows(d1: D1Database, window: SQL, now: number, until = now + LEASE_MS): Promise<{ claimed: Claimed[]; seen: number }> {
  // A batch of one: a round trip like .all(), and the place tests interleave a racing cancel.
  const [{ results }] = await d1.batch<ClaimedRow>([d1Statement(d1, claimSql(window, now, until))]);
  const claimed = results.map((r) => ({ id: r.id, bookingId: r.booking_id, kind: r.kind, toAddress: r.to_address, attempts: r.attempts, fresh: r.fresh === 1 }));
  return { claimed, seen: claimed.length };
}

/** The statement that ends the given rows' leases: their outcome is recorded beside it. */
export const releaseSql = (ids: string[]) =>
  sql`DELETE FROM email_outbox_leases WHERE outbox_id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/**
 * Leases of rows that are no longer pending (sent, cancelled or skipped by something else while
 * their lease ran out): kept only as long as they can count an attempt. On the until index.
 */
export const pruneLeasesSql = (now: number) =>
  sql`DELETE FROM email_outbox_leases WHERE until <= ${now}
    AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.id = email_outbox_leases.outbox_id AND o.status = 'pending')`;
