import { Hono, type Context } from 'hono';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { bookings, outbox, persons } from '../db/schema';
import { bookingJson, hostsView, loadBookingRecord, type BookingRecord } from '../db/bookings';
import { listBookings } from '../db/booking-list';
import { d1Statement } from '../db/batch';
import { withinScope, type Permission } from '../domain/permissions';
import { TABS, decodeCursor, tabOf } from '../domain/tabs';
import { issueManageToken, revokeManageTokens } from '../db/manage-tokens';
import { forbidden, invalidState, notFound, validationFailed } from '../http/errors';
import { isoInstant, textIdParam } from '../http/schemas';
import { validate } from '../http/validate';
import { changeBooking } from '../services/booking-actions';
import { manageUrlFor } from '../services/reservations';
import { afterCommit } from '../services/after-commit';
import { cancelBody } from './manage';
import { reservationError } from './public';

const listQuery = z.strictObject({
  tab: z.enum(TABS).default('upcoming'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  pageId: z.coerce.number().int().positive().max(2 ** 31).optional(),
  hostId: z.coerce.number().int().positive().max(2 ** 31).optional(),
});

const rescheduleBody = z.strictObject({ start: isoInstant, message: z.string().trim().max(1000).optional() });
const attendanceBody = z.strictObject({ status: z.enum(['attended', 'no_show']) });

/** Outside the view scope → 404 (no hint it exists); in view but lacking `permission` → 403. */
export async function authorizeBooking(c: Context<AppEnv>, id: string, permission: Permission): Promise<BookingRecord> {
  const user = c.get('user');
  const record = await loadBookingRecord(getDb(c.env.DB), id);
  if (!record || !withinScope(user, user.permissions.view, hostsView(record))) throw notFound('Booking not found');
  if (!withinScope(user, user.permissions[permission], hostsView(record))) throw forbidden();
  return record;
}

function requireTab(record: BookingRecord, now: number, tab: 'upcoming' | 'past') {
  if (tabOf(record.booking, now) !== tab) {
    throw invalidState(tab === 'upcoming' ? 'Only upcoming bookings can be changed' : 'Attendance is marked on past bookings');
  }
}

export const bookingRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const cursor = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && !cursor) throw validationFailed([{ path: ['cursor'], message: 'Not a valid cursor' }]);
    const { rows, nextCursor } = await listBookings(getDb(c.env.DB), c.get('user'), { ...q, cursor, now: c.get('now').getTime() });
    return c.json({
      bookings: rows.map((r) => ({
        ...bookingJson(r),
        // The linked CRM person's name and email when matched.
        bookerName: r.personName ?? r.booking.bookerName,
        bookerEmail: r.personEmail ?? r.booking.bookerEmail,
      })),
      nextCursor,
    });
  })
  .get('/:id', validate('param', textIdParam), async (c) => {
    const record = await authorizeBooking(c, c.req.valid('param').id, 'view');
    const db = getDb(c.env.DB);
    const emails = await db
      .select({ kind: outbox.kind, to: outbox.toAddress, status: outbox.status, attempts: outbox.attempts, lastError: outbox.lastError, createdAt: outbox.createdAt })
      .from(outbox)
      .where(eq(outbox.bookingId, record.booking.id));
    return c.json({ booking: { ...bookingJson(record), emails } });
  })
  .post('/:id/reschedule', validate('param', textIdParam), validate('json', rescheduleBody), async (c) => {
    const record = await authorizeBooking(c, c.req.valid('param').id, 'edit');
    const now = c.get('now').getTime();
    requireTab(record, now, 'upcoming');
    const body = c.req.valid('json');
    const result = await changeBooking(c.env, {
      kind: 'reschedule',
      bookingId: record.booking.id,
      start: body.start,
      by: 'host',
      message: body.message || null,
      now,
    });
    if (!result.ok) throw reservationError(result);
    afterCommit(c, result);
    return c.json({ booking: bookingJson((await loadBookingRecord(getDb(c.env.DB), result.bookingId))!) });
  })
  .post('/:id/cancel', validate('param', textIdParam), validate('json', cancelBody), async (c) => {
    const record = await authorizeBooking(c, c.req.valid('param').id, 'delete');
    const now = c.get('now').getTime();
    requireTab(record, now, 'upcoming');
    const result = await changeBooking(c.env, {
      kind: 'cancel',
      bookingId: record.booking.id,
      by: 'host',
      reason: c.req.valid('json').reason || null,
      now,
    });
    if (!result.ok) throw reservationError(result);
    afterCommit(c, result);
    return c.json({ booking: bookingJson((await loadBookingRecord(getDb(c.env.DB), result.bookingId))!) });
  })
  .post('/:id/manage-link', validate('param', textIdParam), async (c) => {
    const record = await authorizeBooking(c, c.req.valid('param').id, 'edit');
    // Group bookers each hold their own links; an occurrence has none to hand out.
    if (record.page.strategy === 'group') throw invalidState('This occurrence has no manage link of its own');
    const db = getDb(c.env.DB);
    const owner = { seriesId: record.booking.seriesId };
    const { token, statement } = await issueManageToken(db, owner, c.get('now').getTime());
    // One batch: every earlier link of the series dies as the new one is born.
    await db.batch([revokeManageTokens(db, owner), statement]);
    return c.json({ manageUrl: manageUrlFor(c.env, record.page.slug, token) });
  })
  .post('/:id/attendance', validate('param', textIdParam), validate('json', attendanceBody), async (c) => {
    const record = await authorizeBooking(c, c.req.valid('param').id, 'edit');
    const now = c.get('now').getTime();
    requireTab(record, now, 'past');
    const status = c.req.valid('json').status;
    const previous = record.booking.attendance;
    const db = getDb(c.env.DB);
    if (previous !== status) {
      const personId = record.booking.personId;
      const delta = (key: 'attendedCount' | 'noShowCount', d: number) =>
        sql`json_set(${persons.lifecycleMeta}, '$.${sql.raw(key)}', COALESCE(json_extract(${persons.lifecycleMeta}, '$.${sql.raw(key)}'), 0) + ${d})`;
      const noShow = status === 'no_show';
      // The person's counts move only if this request's attendance update took (changes() = 1),
      // so a repeated or racing request cannot count twice.
      const meta = noShow
        ? sql`json_set(${delta('noShowCount', 1)}, '$.lastNoShowAt', ${new Date(now).toISOString()}, '$.attendedCount', MAX(0, COALESCE(json_extract(${persons.lifecycleMeta}, '$.attendedCount'), 0) - ${previous === 'attended' ? 1 : 0}))`
        : sql`json_set(${delta('attendedCount', 1)}, '$.noShowCount', MAX(0, COALESCE(json_extract(${persons.lifecycleMeta}, '$.noShowCount'), 0) - ${previous === 'no_show' ? 1 : 0}))`;
      const statements = [
        d1Statement(
          c.env.DB,
          db
            .update(bookings)
            .set({ attendance: status, updatedAt: now })
            .where(and(eq(bookings.id, record.booking.id), previous === null ? isNull(bookings.attendance) : eq(bookings.attendance, previous))),
        ),
      ];
      if (personId !== null) {
        statements.push(
          d1Statement(c.env.DB, db.update(persons).set({ lifecycleMeta: meta as never }).where(and(eq(persons.id, personId), sql`changes() = 1`))),
          d1Statement(
            c.env.DB,
            sql`INSERT INTO activities (person_id, kind, summary, booking_id, occurred_at)
              SELECT ${personId}, ${noShow ? 'no_show' : 'attended'}, ${`${noShow ? 'No-show' : 'Attended'}: ${record.page.title}`}, ${record.booking.id}, ${now}
              WHERE changes() = 1`,
          ),
        );
      }
      await c.env.DB.batch(statements);
    }
    return c.json({ booking: bookingJson((await loadBookingRecord(db, record.booking.id))!) });
  });

