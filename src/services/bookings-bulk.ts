/**
 * Bulk actions on the Bookings page (SPEC 13): each booking goes through exactly the rules of
 * its single-booking action (scope, permission, tab) and answers for itself. Every booking is
 * read in one batch up front; each change then commits on its own with its emails, as if done
 * one by one, and the emails and calendar updates go out together after the last commit.
 */
import { z } from 'zod';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { hostsView, loadBookingRecords, type ViewedBooking } from '../db/bookings';
import { withinScope, type Permission, type SessionUser } from '../domain/permissions';
import { tabOf } from '../domain/tabs';
import { textIdParam, typedText } from '../http/schemas';
import { attendanceStatements } from './booking-attendance';
import { changeBooking, lockSets } from './booking-actions';
import type { CalendarFollowUp } from '../calendar/sync';

export const BULK_LIMIT = 100;

export const bulkBody = z
  .strictObject({
    action: z.enum(['cancel', 'attended', 'no_show']),
    ids: z
      .array(textIdParam.shape.id)
      .min(1)
      .max(BULK_LIMIT, `At most ${BULK_LIMIT} bookings at once`)
      .refine((ids) => new Set(ids).size === ids.length, 'Each booking at most once'),
    reason: typedText(500, { multiline: true, optional: true }).optional(),
  })
  .refine((b) => b.action === 'cancel' || b.reason === undefined, { path: ['reason'], message: 'A reason goes with cancel only' });
export type BulkBody = z.infer<typeof bulkBody>;

export type BulkError = 'not_found' | 'forbidden' | 'invalid_state' | 'already_booked' | 'unavailable' | 'validation_failed' | 'internal';
export type BulkResult = { id: string; ok: true } | { id: string; ok: false; error: BulkError; message: string };

// bookingIds: the bookings whose workflow messages and webhook deliveries go out after the commits.
type Committed = { outboxIds: string[]; calendar: CalendarFollowUp[]; bookingIds: string[] };

const fail = (id: string, error: BulkError, message: string): BulkResult => ({ id, ok: false, error, message });

/** The single-booking checks: 404 outside the view scope, 403 without the permission, 409 in the wrong tab. */
function check(user: SessionUser, record: ViewedBooking | undefined, id: string, permission: Permission, tab: 'upcoming' | 'past', now: number): BulkResult | null {
  if (!record || !withinScope(user, user.permissions.view, hostsView(record))) return fail(id, 'not_found', 'Booking not found');
  if (!withinScope(user, user.permissions[permission], hostsView(record))) return fail(id, 'forbidden', 'You do not have permission to do that');
  if (tabOf(record.booking, now) !== tab)
    return fail(id, 'invalid_state', tab === 'upcoming' ? 'Only upcoming bookings can be cancelled' : 'Attendance is marked on past bookings');
  return null;
}

/** Runs `work` over `items` with at most `width` at a time, keeping the order of the answers. */
async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]);
      }
    }),
  );
  return out;
}

export async function runBulk(env: Bindings, user: SessionUser, body: BulkBody, now: number): Promise<{ results: BulkResult[]; committed: Committed }> {
  const db = getDb(env.DB);
  // D1 binds at most 100 values per statement: the ids in two halves at most, read at once.
  const chunks = Array.from({ length: Math.ceil(body.ids.length / 50) }, (_, i) => body.ids.slice(i * 50, i * 50 + 50));
  const loaded = await Promise.all(chunks.map((ids) => loadBookingRecords(db, ids, user)));
  const records = new Map(loaded.flat().map((r) => [r.booking.id, r]));
  const committed: Committed = { outboxIds: [], calendar: [], bookingIds: [] };
  if (body.action === 'cancel') {
    const allowed = body.ids.filter((id) => !check(user, records.get(id), id, 'delete', 'upcoming', now));
    const locks = await lockSets(env, allowed);
    // A few at a time: each goes through its hosts' Durable Objects, which serialize per host anyway.
    const results = await pool(body.ids, 4, async (id): Promise<BulkResult> => {
      const refused = check(user, records.get(id), id, 'delete', 'upcoming', now);
      if (refused) return refused;
      // One booking's failure is its own answer: the ones already committed still get theirs and their emails.
      const result = await changeBooking(env, { kind: 'cancel', bookingId: id, by: 'host', reason: body.reason || null, now }, locks.get(id)).catch(
        (error: unknown) => (console.error('bulk cancel', id, error), null),
      );
      if (!result) return fail(id, 'unavailable', 'Could not cancel this booking just now; try again');
      if (!result.ok) return fail(id, result.code, result.message);
      committed.outboxIds.push(...result.outboxIds);
      committed.calendar.push(...(result.calendar ?? []));
      committed.bookingIds.push(result.bookingId);
      return { id, ok: true };
    });
    return { results, committed };
  }
  const action = body.action;
  const results = await pool(body.ids, 4, async (id): Promise<BulkResult> => {
    const record = records.get(id);
    const refused = check(user, record, id, 'edit', 'past', now);
    if (refused) return refused;
    const statements = attendanceStatements(env.DB, db, record!, action, undefined, now);
    // One batch per booking, as the single action does; a group occurrence marks every attendee.
    try {
      if (statements !== 'attendee_not_found' && statements.length) {
        await env.DB.batch(statements);
        committed.bookingIds.push(id);
      }
    } catch (error) {
      console.error('bulk attendance', id, error);
      return fail(id, 'unavailable', 'Could not mark this booking just now; try again');
    }
    return { id, ok: true };
  });
  return { results, committed };
}
