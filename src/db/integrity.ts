/**
 * The invariants of SPEC section 5 as SQL over D1, independent of the mechanisms that keep
 * them (claims, triggers, locks): every count must be zero.
 */
import { sql } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { ownerMaySee } from '../webhooks/conditions';

/** A personal endpoint's scope rule, the same SQL the deliveries are written with (no parameters). */
const OWNER_MAY_SEE = new SQLiteAsyncDialect().sqlToQuery(ownerMaySee(sql`e.owner_id`, sql`b.id`)).sql;

export const INTEGRITY_CHECKS = {
  // Invariant 1: no two confirmed bookings of one host overlap.
  overlappingBookings: `SELECT COUNT(*) AS n FROM bookings a
    JOIN booking_hosts ha ON ha.booking_id = a.id
    JOIN booking_hosts hb ON hb.user_id = ha.user_id AND hb.booking_id > a.id
    JOIN bookings b ON b.id = hb.booking_id
    WHERE a.status = 'confirmed' AND b.status = 'confirmed' AND a.start_at < b.end_at AND b.start_at < a.end_at`,
  // Invariant 2: a group occurrence never exceeds its capacity, and its count matches its seats.
  groupsOverCapacity: `SELECT COUNT(*) AS n FROM bookings b JOIN scheduling_pages p ON p.id = b.page_id
    WHERE p.strategy = 'group' AND b.status = 'confirmed' AND (b.attendee_count > b.capacity
      OR b.attendee_count <> (SELECT COUNT(*) FROM booking_attendees a WHERE a.booking_id = b.id AND a.status = 'confirmed'))`,
  // SPEC 15: no two confirmed bookings of one host overlap once each is padded by its own page's
  // buffers, whichever pages they are on (read from bookings and pages, not from the claims).
  bufferedOverlaps: `SELECT COUNT(*) AS n FROM bookings a
    JOIN scheduling_pages pa ON pa.id = a.page_id
    JOIN booking_hosts ha ON ha.booking_id = a.id
    JOIN booking_hosts hb ON hb.user_id = ha.user_id AND hb.booking_id > a.id
    JOIN bookings b ON b.id = hb.booking_id
    JOIN scheduling_pages pb ON pb.id = b.page_id
    WHERE a.status = 'confirmed' AND b.status = 'confirmed'
      AND a.start_at - pa.buffer_before_minutes * 60000 < b.end_at + pb.buffer_after_minutes * 60000
      AND b.start_at - pb.buffer_before_minutes * 60000 < a.end_at + pa.buffer_after_minutes * 60000`,
  // Claims mirror confirmed bookings exactly.
  confirmedWithoutClaims: `SELECT COUNT(*) AS n FROM bookings b JOIN booking_hosts h ON h.booking_id = b.id
    WHERE b.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM host_claims c WHERE c.booking_id = b.id AND c.host_id = h.user_id)`,
  claimsOfUnconfirmed: `SELECT COUNT(*) AS n FROM host_claims c JOIN bookings b ON b.id = c.booking_id WHERE b.status <> 'confirmed'`,
  // Each claim holds its booking's buffered interval (what the overlap trigger compares).
  claimsNotBuffered: `SELECT COUNT(*) AS n FROM host_claims c JOIN bookings b ON b.id = c.booking_id JOIN scheduling_pages p ON p.id = b.page_id
    WHERE c.start_at <> b.start_at - p.buffer_before_minutes * 60000 OR c.end_at <> b.end_at + p.buffer_after_minutes * 60000`,
  // Invariant 3: every state change wrote its emails (seeded rows predate the outbox).
  bookingsWithoutEmail: `SELECT COUNT(*) AS n FROM bookings b WHERE b.id NOT LIKE 'seed-%'
    AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.booking_id = b.id AND o.kind IN ('booking_confirmation', 'host_rescheduled'))`,
  cancelledWithoutEmail: `SELECT COUNT(*) AS n FROM bookings b WHERE b.id NOT LIKE 'seed-%' AND b.status = 'cancelled'
    AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.booking_id = b.id AND o.kind = 'cancellation_booker')`,
  // Each group seat got its confirmation somewhere in its series (a host reschedule moves seats).
  seatsWithoutEmail: `SELECT COUNT(*) AS n FROM booking_attendees a JOIN bookings cur ON cur.id = a.booking_id WHERE a.id NOT LIKE 'seed-%'
    AND NOT EXISTS (SELECT 1 FROM email_outbox o JOIN bookings ob ON ob.id = o.booking_id
      WHERE ob.series_id = cur.series_id AND o.to_address = a.email AND o.kind IN ('booking_confirmation', 'host_rescheduled'))`,
  // The day counts behind organization-wide tab counts match the bookings they count.
  dayCountsOff: `SELECT COUNT(*) AS n FROM (
      SELECT status, day, SUM(n) AS n FROM (
        SELECT status, day, n FROM booking_day_counts
        UNION ALL SELECT status, start_at / 86400000, -1 FROM bookings
      ) GROUP BY status, day HAVING SUM(n) <> 0)`,
  // Workflows (SPEC 11): no message waits on a booking (or seat) that is no longer confirmed,
  // except the one about the cancellation itself; none was sent before it was due.
  workflowPendingOnUnconfirmed: `SELECT COUNT(*) AS n FROM email_outbox o JOIN workflows w ON w.id = o.workflow_id JOIN bookings b ON b.id = o.booking_id
    WHERE o.status = 'pending' AND w."trigger" <> 'booking_cancelled' AND (b.status <> 'confirmed'
      OR (o.attendee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM booking_attendees a WHERE a.id = o.attendee_id AND a.booking_id = b.id AND a.status = 'confirmed')))`,
  workflowSentBeforeDue: `SELECT COUNT(*) AS n FROM email_outbox WHERE workflow_id IS NOT NULL AND status = 'sent' AND sent_at < due_at`,
  // Webhooks (SPEC 12): a booking row is created once (a group seat joins once), so its
  // booking.created delivery exists at most once per endpoint and seat.
  webhookDeliveriesDuplicated: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM webhook_deliveries WHERE event_type = 'booking.created'
      GROUP BY endpoint_id, booking_id, coalesce(extra ->> 'attendeeId', '') HAVING COUNT(*) > 1)`,
  // Every booking row made since an endpoint last changed (it was born by booking.created or
  // booking.rescheduled) has its delivery there, when the endpoint takes both and may see it.
  webhookDeliveriesMissing: `SELECT COUNT(*) AS n FROM webhook_endpoints e JOIN bookings b ON b.created_at >= e.updated_at AND b.id NOT LIKE 'seed-%'
    WHERE e.deleted_at IS NULL AND e.active = 1
      AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = 'booking.created')
      AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = 'booking.rescheduled')
      AND (e.owner_id IS NULL OR ${OWNER_MAY_SEE})
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.booking_id = b.id
        AND d.event_type IN ('booking.created', 'booking.rescheduled'))`,
} as const;

export type IntegrityReport = Record<keyof typeof INTEGRITY_CHECKS, number>;

export async function integrityReport(d1: D1Database): Promise<IntegrityReport> {
  const keys = Object.keys(INTEGRITY_CHECKS) as (keyof typeof INTEGRITY_CHECKS)[];
  const results = await d1.batch(keys.map((k) => d1.prepare(INTEGRITY_CHECKS[k])));
  return Object.fromEntries(keys.map((k, i) => [k, Number((results[i].results[0] as { n: number }).n)])) as IntegrityReport;
}
