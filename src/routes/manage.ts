import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { addRoundTrips, getDb } from '../db/client';
import { carryBookmark, readDb } from '../http/d1-session';
import type { ReservationResult } from '../services/reservations';
import { bookingAttendees, users } from '../db/schema';
import { buildInvite } from '../email/ics';
import { loadBookingRecord, type BookingRecord } from '../db/bookings';
import { findByTokenHash } from '../db/manage-tokens';
import { MANAGE_TOKEN_PATTERN, hashToken } from '../domain/tokens';
import { notFound, invalidState } from '../http/errors';
import { isoInstant, typedText } from '../http/schemas';
import { validate } from '../http/validate';
import { changeBooking, changeGroupSeat } from '../services/booking-actions';
import { afterCommit } from '../services/after-commit';
import { loadPublicBooking, publicBookingJson } from '../services/public-booking';
import { reservationError } from './public';

const tokenParam = z.strictObject({ token: z.string().max(100) });
export const cancelBody = z.strictObject({ reason: typedText(500, { multiline: true, optional: true }).optional() });
const rescheduleBody = z.strictObject({ start: isoInstant });

export type ManagedBooking = { record: BookingRecord; attendee: typeof bookingAttendees.$inferSelect | null };

/**
 * Resolves a manage token: the newest occurrence of its series, or the group seat. Unknown,
 * malformed and regenerated tokens all end in the same 404.
 */
export async function resolveManageToken(c: Context<AppEnv>, token: string, use: 'view' | 'change' = 'view'): Promise<ManagedBooking> {
  if (!MANAGE_TOKEN_PATTERN.test(token)) throw notFound('Booking not found');
  // Viewing: a read replica will do, anchored at the booker's bookmark. Changing: the primary,
  // so a regenerated (revoked) link or an occurrence since moved can never act on a stale copy.
  const db = use === 'change' ? getDb(c.env.DB) : readDb(c);
  const found = await findByTokenHash(db, await hashToken(token));
  const record = found ? await loadBookingRecord(db, found.bookingId) : undefined;
  if (!found || !record) throw notFound('Booking not found');
  return { record, attendee: found.attendee };
}

/** What the token's holder sees: their own booking, or their own seat of a group occurrence. */
export const manageJson = ({ record, attendee }: ManagedBooking) => publicBookingJson({ booking: record.booking, page: record.page, seat: attendee });

/** After a change, the caller's booking (or seat) as it is now. */
async function answerAfter(c: Context<AppEnv>, result: Extract<ReservationResult, { ok: true }>, attendee: ManagedBooking['attendee']) {
  // The change's bookmark first: this read (and the booker's next ones) then see the change.
  carryBookmark(c, result.bookmark);
  const booking = await loadPublicBooking(result.bookmark ? getDb(c.env.DB.withSession(result.bookmark)) : readDb(c), {
    bookingId: result.bookingId,
    attendeeId: attendee?.id,
  });
  if (!booking) throw notFound('Booking not found');
  return c.json({ booking });
}

export const manageRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
  })
  .get('/:token', validate('param', tokenParam), async (c) => {
    const managed = await resolveManageToken(c, c.req.valid('param').token);
    return c.json({ booking: manageJson(managed) });
  })
  /** The booking as an .ics file, for "add to calendar" from the confirmation. */
  .get('/:token/invite.ics', validate('param', tokenParam), async (c) => {
    const managed = await resolveManageToken(c, c.req.valid('param').token);
    const b = manageJson(managed);
    const db = getDb(c.env.DB);
    const [host] = await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, managed.record.booking.hostId));
    const cancelled = b.status === 'cancelled';
    const ics = buildInvite({
      method: cancelled ? 'CANCEL' : 'REQUEST',
      uid: b.icsUid,
      sequence: b.icsSequence,
      start: Date.parse(b.start),
      end: Date.parse(b.end),
      now: c.get('now').getTime(),
      title: b.pageTitle,
      description: `${b.pageTitle} with ${host.name}`,
      location: b.locationValue ?? b.locationType,
      url: b.meetingUrl,
      organizer: host,
      attendees: [{ name: b.bookerName, email: b.bookerEmail }],
    });
    return c.body(ics, 200, {
      'content-type': `text/calendar; charset=utf-8; method=${cancelled ? 'CANCEL' : 'REQUEST'}`,
      'content-disposition': 'attachment; filename="invite.ics"',
    });
  })
  .post('/:token/cancel', validate('param', tokenParam), validate('json', cancelBody), async (c) => {
    const managed = await resolveManageToken(c, c.req.valid('param').token, 'change');
    const reason = c.req.valid('json').reason || null;
    const now = c.get('now').getTime();
    if (managed.attendee && managed.attendee.status !== 'confirmed') throw invalidState('This registration is already cancelled');
    const result = managed.attendee
      ? await changeGroupSeat(c.env, managed.record.booking.id, { kind: 'leave_seat', attendeeId: managed.attendee.id, reason, now })
      : await changeBooking(c.env, { kind: 'cancel', bookingId: managed.record.booking.id, by: 'booker', reason, now });
    addRoundTrips(c.env.DB, result.roundTrips ?? 0);
    if (!result.ok) throw reservationError(result);
    afterCommit(c, result);
    // The seat from the token, not the result: the last seat leaving cancels the whole occurrence.
    return answerAfter(c, result, managed.attendee);
  })
  .post('/:token/reschedule', validate('param', tokenParam), validate('json', rescheduleBody), async (c) => {
    const managed = await resolveManageToken(c, c.req.valid('param').token, 'change');
    const start = c.req.valid('json').start;
    const now = c.get('now').getTime();
    if (managed.attendee && managed.attendee.status !== 'confirmed') throw invalidState('This registration is already cancelled');
    // A group booker moves only their own seat; everyone else moves the booking.
    const result = managed.attendee
      ? await changeGroupSeat(c.env, managed.record.booking.id, { kind: 'move_seat', attendeeId: managed.attendee.id, start, now })
      : await changeBooking(c.env, { kind: 'reschedule', bookingId: managed.record.booking.id, start, by: 'booker', message: null, now });
    addRoundTrips(c.env.DB, result.roundTrips ?? 0);
    if (!result.ok) throw reservationError(result);
    afterCommit(c, result);
    return answerAfter(c, result, managed.attendee);
  });
