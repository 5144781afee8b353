import { Hono, type Context } from 'hono';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { bookingAttendees, bookings, outbox, persons } from '../db/schema';
import { bookingJson, hostsView, loadBookingRecord, type BookingRecord, type ViewedBooking } from '../db/bookings';
import { listBookings } from '../db/booking-list';
import { d1Statement } from '../db/batch';
import { withinScope, type Permission } from '../domain/permissions';
import { TABS, decodeCursor, tabOf } from '../domain/tabs';
import { issueManageToken, revokeManageTokens } from '../db/manage-tokens';
import { forbidden, invalidState, notFound, validationFailed } from '../http/errors';
import { isoInstant, textIdParam, typedText } from '../http/schemas';
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

const rescheduleBody = z.strictObject({ start: isoInstant, message: typedText(1000, { multiline: true, optional: true }).optional() });
// attendeeId: one attendee of a group occurrence (without it, every current attendee).
const attendanceBody = z.strictObject({ status: z.enum(['attended', 'no_show']), attendeeId: z.string().min(1).max(100).optional() });

/** Outside the view scope → 404 (no hint it exists); in view but lacking `permission` → 403. */
export async function authorizeBooking(c: Context<AppEnv>, id: string, permission: Permission): Promise<ViewedBooking> {
  const user = c.get('user');
  const record = await loadBookingRecord(getDb(c.env.DB), id, user);
  if (!record || !withinScope(user, user.permissions.view, hostsView(record))) throw notFound('Booking not found');
  if (!withinScope(user, user.permissions[permission], hostsView(record))) throw forbidden();
  return record;
}

function requireTab(record: BookingRecord, now: number, tab: 'upcoming' | 'past') {
  if (tabOf(record.booking, now) !== tab) {
    throw invalidState(tab === 'upcoming' ? 'Only upcoming bookings can be changed' : 'Attendance is marked on past bookings');
  }
}

type Attendance = 'attended' | 'no_show';

const attendanceIs = (column: typeof bookings.attendance | typeof bookingAttendees.attendance, value: Attendance | null) =>
  value === null ? isNull(column) : eq(column, value);

/**
 * A person's lifecycle counts and activity for one attendance change from `previous`, to run
 * right after the statement that records the mark: both move only if that update took
 * (changes() = 1), so a repeated or racing request cannot count twice. Nothing for a booker
 * without a person the user may see.
 */
function lifecycleStatements(
  d1: D1Database,
  db: ReturnType<typeof getDb>,
  personId: number | null,
  previous: Attendance | null,
  mark: { status: Attendance; now: number; title: string; bookingId: string },
): D1PreparedStatement[] {
  if (personId === null) return [];
  const count = (key: 'attendedCount' | 'noShowCount') => sql`COALESCE(json_extract(${persons.lifecycleMeta}, '$.${sql.raw(key)}'), 0)`;
  const noShow = mark.status === 'no_show';
  const meta = noShow
    ? sql`json_set(${persons.lifecycleMeta}, '$.noShowCount', ${count('noShowCount')} + 1, '$.lastNoShowAt', ${new Date(mark.now).toISOString()}, '$.attendedCount', MAX(0, ${count('attendedCount')} - ${previous === 'attended' ? 1 : 0}))`
    : sql`json_set(${persons.lifecycleMeta}, '$.attendedCount', ${count('attendedCount')} + 1, '$.noShowCount', MAX(0, ${count('noShowCount')} - ${previous === 'no_show' ? 1 : 0}))`;
  return [
    d1Statement(d1, db.update(persons).set({ lifecycleMeta: meta as never }).where(and(eq(persons.id, personId), sql`changes() = 1`))),
    d1Statement(
      d1,
      sql`INSERT INTO activities (person_id, kind, summary, booking_id, occurred_at)
        SELECT ${personId}, ${noShow ? 'no_show' : 'attended'}, ${`${noShow ? 'No-show' : 'Attended'}: ${mark.title}`}, ${mark.bookingId}, ${mark.now}
        WHERE changes() = 1`,
    ),
  ];
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
    return c.json({ booking: bookingJson((await loadBookingRecord(getDb(c.env.DB), result.bookingId, c.get('user')))!) });
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
    return c.json({ booking: bookingJson((await loadBookingRecord(getDb(c.env.DB), result.bookingId, c.get('user')))!) });
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
    const user = c.get('user');
    const record = await authorizeBooking(c, c.req.valid('param').id, 'edit');
    const now = c.get('now').getTime();
    requireTab(record, now, 'past');
    const { status, attendeeId } = c.req.valid('json');
    const db = getDb(c.env.DB);
    const id = record.booking.id;
    const mark = { status, now, title: record.page.title, bookingId: id };
    const statements: D1PreparedStatement[] = [];
    if (record.attendees) {
      // A group occurrence: one attendee, or every current one.
      const targets = attendeeId === undefined ? record.attendees : record.attendees.filter((a) => a.id === attendeeId);
      if (targets.length === 0) throw notFound('Attendee not found');
      for (const a of targets) {
        if (a.attendance === status) continue;
        const seat = and(eq(bookingAttendees.id, a.id), eq(bookingAttendees.bookingId, id), eq(bookingAttendees.status, 'confirmed'), attendanceIs(bookingAttendees.attendance, a.attendance));
        statements.push(d1Statement(c.env.DB, db.update(bookingAttendees).set({ attendance: status }).where(seat)), ...lifecycleStatements(c.env.DB, db, a.personId, a.attendance, mark));
      }
      // The occurrence's own mark: its attendees' when they all agree.
      if (statements.length)
        statements.push(
          d1Statement(
            c.env.DB,
            sql`UPDATE bookings SET attendance = (SELECT CASE WHEN COUNT(*) = COUNT(attendance) AND COUNT(DISTINCT attendance) = 1 THEN MAX(attendance) END
              FROM booking_attendees WHERE booking_id = ${id} AND status = 'confirmed'), updated_at = ${now} WHERE id = ${id}`,
          ),
        );
    } else {
      if (attendeeId !== undefined) throw notFound('Attendee not found');
      const previous = record.booking.attendance;
      if (previous !== status) {
        const row = and(eq(bookings.id, id), attendanceIs(bookings.attendance, previous));
        statements.push(
          d1Statement(c.env.DB, db.update(bookings).set({ attendance: status, updatedAt: now }).where(row)),
          // personId is null when the person is outside the user's CRM visibility (SPEC 15).
          ...lifecycleStatements(c.env.DB, db, record.booking.personId, previous, mark),
        );
      }
    }
    if (statements.length) await c.env.DB.batch(statements);
    return c.json({ booking: bookingJson((await loadBookingRecord(db, id, user))!) });
  });

