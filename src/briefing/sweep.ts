/**
 * Pre-meeting briefings. The sweep takes the scheduled event's time as now and briefs the
 * hosts of confirmed bookings with now < start ≤ now + 60 min that were made at least an hour
 * ahead, on pages with briefings on.
 *
 * The sweep only claims and queues: one D1 batch inserts an outbox row per host of each due
 * booking and sets briefing_sent_at, all in SQL, so no booking data travels to the Worker and
 * back. Batches run one at a time, so an overlapping sweep finds the bookings marked and
 * queues nothing. The briefing itself is composed when it is delivered (./compose.ts), from
 * the CRM as it is then.
 */
import { and, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { d1Statement } from '../db/batch';
import { bookingHosts, bookings, outbox, schedulingPages, users } from '../db/schema';

const HOUR = 3_600_000;

export async function sweepBriefings(env: Bindings, now: number): Promise<number> {
  const db = getDb(env.DB);
  const isDue = and(
    eq(bookings.status, 'confirmed'),
    isNull(bookings.briefingSentAt),
    gt(bookings.startAt, now),
    lte(bookings.startAt, now + HOUR),
    sql`${bookings.startAt} - ${HOUR} >= ${bookings.createdAt}`,
    eq(schedulingPages.briefingEnabled, true),
  );
  const dueHosts = db
    .select({
      id: sql<string>`lower(hex(randomblob(16)))`.as('id'),
      bookingId: bookings.id,
      kind: sql<string>`'briefing'`.as('kind'),
      toAddress: users.email,
      // Composed at delivery.
      subject: sql<string>`''`.as('subject'),
      html: sql<string>`''`.as('html'),
      textBody: sql<string>`''`.as('text_body'),
      status: sql<'pending'>`'pending'`.as('status'),
      attempts: sql<number>`0`.as('attempts'),
      nextAttemptAt: sql<number>`${now}`.as('next_attempt_at'),
      createdAt: sql<number>`${now}`.as('created_at'),
    })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .innerJoin(bookingHosts, eq(bookingHosts.bookingId, bookings.id))
    .innerJoin(users, eq(users.id, bookingHosts.userId))
    .where(isDue);
  const dueIds = db.select({ id: bookings.id }).from(bookings).innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId)).where(isDue);
  const [, claimed] = await env.DB.batch([
    d1Statement(
      env.DB,
      sql`INSERT INTO ${outbox} (id, booking_id, kind, to_address, subject, html, text_body, status, attempts, next_attempt_at, created_at) ${dueHosts.getSQL()}`,
    ),
    d1Statement(env.DB, db.update(bookings).set({ briefingSentAt: now }).where(inArray(bookings.id, dueIds))),
  ]);
  return claimed.meta.changes ?? 0;
}
