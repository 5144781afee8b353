/**
 * The SQL that turns workflows into outbox rows (SPEC 11). Every builder is one set-based
 * statement that reads what its batch already wrote (bookings, seats, hosts, workflows), so a
 * booking change, a workflow save and `applyToExisting` queue their messages in the same batch
 * as the change itself, without a read before it. Rows are queued without a body: the workflow
 * composer (workflows/compose.ts) writes it at the first attempt, in the recipient's language.
 *
 * One message per workflow, booking, seat and recipient (email_outbox_workflow_once_idx): a
 * repeated or racing change inserts nothing twice (ON CONFLICT DO NOTHING).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { WorkflowTrigger } from '../domain/workflows';

export const WORKFLOW_KIND = 'workflow';
const TIMED = sql.raw(`('before_start','after_end')`);

/** A trigger list as SQL literals (our own vocabulary, never user input). */
const triggerList = (triggers: readonly WorkflowTrigger[]) => sql.raw(`(${triggers.map((t) => `'${t.replace(/[^a-z_]/g, '')}'`).join(',')})`);

/**
 * When timed workflow `w`'s message (or webhook delivery) for booking `b` is due: its offset
 * before the start or after the end. The one place that rule is written in SQL.
 */
export const timedDueAt = sql.raw(`(CASE w."trigger" WHEN 'before_start' THEN b.start_at - w.offset_minutes * 60000 ELSE b.end_at + w.offset_minutes * 60000 END)`);

/** When workflow `w`'s message for booking `b` is due: a timed trigger's time, else now. */
const dueFor = (now: number) => sql`(CASE WHEN w."trigger" IN ${TIMED} THEN ${timedDueAt} ELSE ${now} END)`;

export type QueueTarget = {
  /** Which bookings (alias b), e.g. one by id, or a page's upcoming ones in a start range. */
  bookings: SQL;
  triggers: readonly WorkflowTrigger[];
  /** Extra condition on the workflows (alias w), e.g. one workflow by id. */
  workflows?: SQL;
  /**
   * The group seats concerned (a seat joining, leaving, moving or marked); undefined: every
   * current seat of a group occurrence, or the booker of any other booking.
   */
  seats?: string[];
  now: number;
  /** Why a timed message already due is recorded as skipped instead of sent. */
  skipReason: string;
};

/**
 * The inserts that queue `target`'s messages, one per kind of recipient: the booker (or each
 * seat), each host of the booking, and a fixed address. Host and address messages of a timed
 * trigger are one per occurrence; of an instant one, one per seat concerned.
 */
export function queueStatements(t: QueueTarget): SQL[] {
  const due = dueFor(t.now);
  // A timed message due now or earlier is never sent at booking time: it is skipped, with why.
  const late = sql`(w."trigger" IN ${TIMED} AND ${due} <= ${t.now})`;
  const seatsJson = t.seats ? JSON.stringify(t.seats) : null;
  const timedOnly = t.triggers.every((x) => x === 'before_start' || x === 'after_end');
  // Instant host/address messages of a seat event carry the seat, so each seat's is its own.
  const seatJoin = !timedOnly && seatsJson ? sql`JOIN json_each(${seatsJson}) AS s` : sql``;
  const seatColumn = !timedOnly && seatsJson ? sql`s.value` : sql`NULL`;
  const insert = (action: string, recipient: SQL, attendee: SQL, joins: SQL, where: SQL = sql`1 = 1`) => sql`
    INSERT INTO email_outbox (id, booking_id, kind, to_address, subject, html, text_body, status, attempts, next_attempt_at, due_at,
      last_error, created_at, workflow_id, attendee_id)
    SELECT lower(hex(randomblob(16))), b.id, ${WORKFLOW_KIND}, ${recipient}, '', '', '',
      CASE WHEN ${late} THEN 'skipped' ELSE 'pending' END, 0, ${due}, ${due},
      CASE WHEN ${late} THEN ${t.skipReason} END, ${t.now}, w.id, ${attendee}
    FROM bookings b
      JOIN workflows w ON w.page_id = b.page_id AND w."trigger" IN ${triggerList(t.triggers)} AND w.action = ${action}
        AND w.active = 1 AND w.deleted_at IS NULL ${t.workflows ? sql`AND ${t.workflows}` : sql``}
      ${joins}
    WHERE ${t.bookings} AND ${where}
    ON CONFLICT DO NOTHING`;
  const seatOfGroup = seatsJson ? sql`a.id IN (SELECT value FROM json_each(${seatsJson}))` : sql`a.status = 'confirmed'`;
  return [
    // The booker of a booking without seats.
    insert('email_booker', sql`b.booker_email`, sql`NULL`, sql``, sql`NOT EXISTS (SELECT 1 FROM booking_attendees x WHERE x.booking_id = b.id)`),
    // Each seat concerned of a group occurrence.
    insert('email_booker', sql`a.email`, sql`a.id`, sql`JOIN booking_attendees a ON a.booking_id = b.id AND ${seatOfGroup}`),
    // Every host of the booking (collective: all).
    insert('email_host', sql`u.email`, seatColumn, sql`JOIN booking_hosts bh ON bh.booking_id = b.id JOIN users u ON u.id = bh.user_id ${seatJoin}`),
    insert('email_address', sql`w.to_address`, seatColumn, seatJoin),
  ];
}

/** Pending workflow messages of a booking → cancelled (a seat: its own; all when the booking is no longer confirmed). */
export function cancelPendingStatement(bookingId: string, reason: string, seat?: string): SQL {
  const whose = seat
    ? sql`AND (attendee_id = ${seat} OR (SELECT status FROM bookings WHERE id = ${bookingId}) <> 'confirmed')`
    : sql``;
  return sql`UPDATE email_outbox SET status = 'cancelled', last_error = ${reason}
    WHERE booking_id = ${bookingId} AND status = 'pending' AND workflow_id IS NOT NULL ${whose}`;
}

/**
 * A message no delivery has tried: no attempt recorded and none in flight (a claim's lease, which
 * counts as an attempt even if it never finished). Such a message can still be moved or re-timed;
 * an attempted one keeps the body it was composed with (Resend holds one payload per key).
 */
export const neverAttempted = sql.raw(
  `(email_outbox.attempts = 0 AND NOT EXISTS (SELECT 1 FROM email_outbox_leases l WHERE l.outbox_id = email_outbox.id))`,
);

/**
 * A reschedule: the pending timed messages of the old booking (a seat move: that seat's) go to
 * the new one, due again from its start and end, their bodies cleared so they are composed
 * for the new time; one already due then is skipped. A message the new booking already holds
 * (a seat moving back) stays behind and is cancelled with the rest.
 */
export function moveTimedStatements(fromId: string, toId: string, now: number, seat?: string): SQL[] {
  const whose = seat ? sql`AND attendee_id = ${seat}` : sql``;
  return [
    sql`UPDATE OR IGNORE email_outbox SET booking_id = ${toId}, subject = '', html = '', text_body = '',
        due_at = (SELECT ${timedDueAt}
          FROM workflows w, bookings b WHERE w.id = email_outbox.workflow_id AND b.id = ${toId})
      WHERE booking_id = ${fromId} AND status = 'pending' AND workflow_id IN (SELECT id FROM workflows WHERE "trigger" IN ${TIMED}) ${whose}
        -- An attempted message keeps its composed body (Resend holds one payload per key): it stays and is cancelled, and the new time gets a fresh one.
        AND ${neverAttempted}
        -- A host reminder moves only when its host still hosts the new time (round robin may hand it to another).
        AND NOT (workflow_id IN (SELECT id FROM workflows WHERE action = 'email_host')
          AND to_address NOT IN (SELECT u.email FROM booking_hosts bh JOIN users u ON u.id = bh.user_id WHERE bh.booking_id = ${toId}))`,
    sql`UPDATE email_outbox SET next_attempt_at = due_at,
        status = CASE WHEN due_at <= ${now} THEN 'skipped' ELSE 'pending' END,
        last_error = CASE WHEN due_at <= ${now} THEN 'Not sent: the meeting moved to a time after this message was due' END
      WHERE booking_id = ${toId} AND status = 'pending' AND workflow_id IN (SELECT id FROM workflows WHERE "trigger" IN ${TIMED}) ${whose}`,
  ];
}

/** A workflow's pending messages → cancelled (turned off, deleted, or its trigger or recipient changed). */
export const cancelWorkflowStatement = (workflowId: number, reason: string) =>
  sql`UPDATE email_outbox SET status = 'cancelled', last_error = ${reason}
    WHERE workflow_id = ${workflowId} AND status = 'pending' AND status <> 'cancelled'`;

/** A timed workflow's new offset: its pending messages not yet attempted are due again (past due: skipped). */
export const retimeWorkflowStatement = (workflowId: number) => sql`
  UPDATE email_outbox SET
    due_at = (SELECT ${timedDueAt}
      FROM workflows w, bookings b WHERE w.id = email_outbox.workflow_id AND b.id = email_outbox.booking_id),
    subject = '', html = '', text_body = ''
  WHERE workflow_id = ${workflowId} AND status = 'pending' AND status <> 'cancelled' AND ${neverAttempted}`;

export const settleRetimedStatement = (workflowId: number, now: number) => sql`
  UPDATE email_outbox SET next_attempt_at = due_at,
    status = CASE WHEN due_at <= ${now} THEN 'skipped' ELSE 'pending' END,
    last_error = CASE WHEN due_at <= ${now} THEN 'Not sent: the workflow changed to a time already past' END
  WHERE workflow_id = ${workflowId} AND status = 'pending' AND status <> 'cancelled' AND ${neverAttempted}`;

/**
 * What a delivery claim adds for a workflow message: its booking is still confirmed (and its
 * seat still on it), unless it is the message about the cancellation itself. In every write
 * delivery makes after the claim, so a sweep overlapping a cancel sends nothing after it.
 */
export const stillDueCondition = sql.raw(`(email_outbox.workflow_id IS NULL
  OR (SELECT w."trigger" FROM workflows w WHERE w.id = email_outbox.workflow_id) = 'booking_cancelled'
  OR EXISTS (SELECT 1 FROM bookings cb WHERE cb.id = email_outbox.booking_id AND cb.status = 'confirmed'
    AND (email_outbox.attendee_id IS NULL OR EXISTS (SELECT 1 FROM booking_attendees ca
      WHERE ca.id = email_outbox.attendee_id AND ca.booking_id = cb.id AND ca.status = 'confirmed'))))`);
