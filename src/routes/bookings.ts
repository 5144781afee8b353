import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { outbox } from '../db/schema';
import { bookingJson, hostsView, loadBookingRecord, type BookingRecord, type ViewedBooking } from '../db/bookings';
import { listBookings, searchCandidates, tabCountQuery, type BookingFilters, type ListedBooking } from '../db/booking-list';
import { withinScope, type Permission, type SessionUser } from '../domain/permissions';
import { ATTENDANCE_FILTERS, TABS, dayRangeUtc, decodeCursor, parseDateKey, tabOf, type AttendanceFilter } from '../domain/tabs';
import { localDateKey, localDateOf } from '../domain/time';
import { issueManageToken, revokeManageTokens } from '../db/manage-tokens';
import { forbidden, invalidState, notFound, validationFailed } from '../http/errors';
import { isoInstant, localDate, textIdParam, typedText } from '../http/schemas';
import { validate } from '../http/validate';
import { changeBooking } from '../services/booking-actions';
import { attendanceStatements } from '../services/booking-attendance';
import { bulkBody, runBulk } from '../services/bookings-bulk';
import { exportStream } from '../services/bookings-export';
import { manageUrlFor } from '../services/reservations';
import { afterCommit } from '../services/after-commit';
import { cancelBody } from './manage';
import { reservationError } from './public';

const filterId = z.coerce.number().int().positive().max(2 ** 31);
/** The Bookings page's filters (SPEC 13); `from`/`to` are dates in the viewer's own zone. */
const filterFields = {
  q: z.string().trim().max(200).optional(),
  pageId: filterId.optional(),
  hostId: filterId.optional(),
  attendance: z.enum(ATTENDANCE_FILTERS).optional(),
  from: localDate.optional(),
  to: localDate.optional(),
};
const datesInOrder = (f: { from?: string; to?: string }) => !f.from || !f.to || f.from <= f.to;
const datesIssue = { path: ['to'], message: 'The end date is before the start date' };
// Attendance is marked on past bookings only, so the filter belongs to the Past tab.
const attendanceTab = (f: { tab?: string; attendance?: string }) => !f.attendance || !f.tab || f.tab === 'past';
const attendanceIssue = { path: ['attendance'], message: 'The attendance filter belongs to the Past tab' };

const listQuery = z
  .strictObject({
    tab: z.enum(TABS).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(200).optional(),
    ...filterFields,
  })
  .refine(datesInOrder, datesIssue)
  .refine(attendanceTab, attendanceIssue)
  // Upcoming by default; an attendance filter alone means the Past tab (as the export reads it).
  .transform((q) => ({ ...q, tab: q.tab ?? (q.attendance ? ('past' as const) : ('upcoming' as const)) }));
const countsQuery = z.strictObject(filterFields).refine(datesInOrder, datesIssue);
const exportQuery = z.strictObject({ tab: z.enum(TABS).optional(), ...filterFields }).refine(datesInOrder, datesIssue).refine(attendanceTab, attendanceIssue);

/** The filters as the list takes them: the viewer's dates as UTC instants. */
function filtersOf(user: SessionUser, f: { q?: string; pageId?: number; hostId?: number; attendance?: AttendanceFilter; from?: string; to?: string }): BookingFilters {
  return {
    q: f.q || undefined,
    pageId: f.pageId,
    hostId: f.hostId,
    attendance: f.attendance,
    ...dayRangeUtc(f.from ? parseDateKey(f.from) : null, f.to ? parseDateKey(f.to) : null, user.timezone),
  };
}

/** A list row: the booking object with the linked CRM person's name and email when matched, and the hosts' names. */
const listJson = (r: ListedBooking) => ({
  ...bookingJson(r),
  bookerName: r.personName ?? r.booking.bookerName,
  bookerEmail: r.personEmail ?? r.booking.bookerEmail,
  hosts: r.hosts,
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

export const bookingRoutes = new Hono<AppEnv>()
  .get('/', validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    const cursor = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && !cursor) throw validationFailed([{ path: ['cursor'], message: 'Not a valid cursor' }]);
    const user = c.get('user');
    const { rows, nextCursor } = await listBookings(getDb(c.env.DB), user, { ...filtersOf(user, q), tab: q.tab, limit: q.limit, cursor, now: c.get('now').getTime() });
    return c.json({ bookings: rows.map(listJson), nextCursor });
  })
  // Every tab's count under the same filters (attendance counts on the Past tab only).
  .get('/counts', validate('query', countsQuery), async (c) => {
    const user = c.get('user');
    const db = getDb(c.env.DB);
    const filters = filtersOf(user, c.req.valid('query'));
    const candidateIds = filters.q ? await searchCandidates(db, filters.q) : undefined;
    const now = c.get('now').getTime();
    const rows = await db.batch(TABS.map((tab) => tabCountQuery(db, user, { ...filters, ...(filters.q ? { candidateIds } : {}), tab, now })) as never);
    return c.json({ counts: Object.fromEntries(TABS.map((tab, i) => [tab, (rows[i] as { n: number }[])[0]?.n ?? 0])) });
  })
  .get('/export.csv', validate('query', exportQuery), (c) => {
    const user = c.get('user');
    const q = c.req.valid('query');
    const now = c.get('now').getTime();
    const today = localDateKey(localDateOf(now, user.timezone));
    // An attendance filter is the Past tab's.
    const tab = q.tab ?? (q.attendance ? 'past' : undefined);
    return new Response(exportStream(getDb(c.env.DB), user, { ...filtersOf(user, q), tab }, now), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="bookings-${today}.csv"`,
        'cache-control': 'no-store',
      },
    });
  })
  .post('/bulk', validate('json', bulkBody), async (c) => {
    const { results, committed } = await runBulk(c.env, c.get('user'), c.req.valid('json'), c.get('now').getTime());
    if (committed.outboxIds.length || committed.calendar.length || committed.bookingIds.length) afterCommit(c, { bookingId: '', ...committed });
    return c.json({ results });
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
    const record = await authorizeBooking(c, c.req.valid('param').id, 'edit');
    const now = c.get('now').getTime();
    requireTab(record, now, 'past');
    const { status, attendeeId } = c.req.valid('json');
    const db = getDb(c.env.DB);
    const statements = attendanceStatements(c.env.DB, db, record, status, attendeeId, now);
    if (statements === 'attendee_not_found') throw notFound('Attendee not found');
    if (statements.length) {
      await c.env.DB.batch(statements);
      // The mark's workflow messages and webhook deliveries go out now, not at the next sweep.
      afterCommit(c, { bookingId: record.booking.id, outboxIds: [] });
    }
    return c.json({ booking: bookingJson((await loadBookingRecord(db, record.booking.id, c.get('user')))!) });
  });
