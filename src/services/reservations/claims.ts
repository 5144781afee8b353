/**
 * A host's claimed time: the engine's re-check of a slot, the claim rows (guarded by D1's
 * overlap trigger), a group occurrence's seat count and round robin's pick with its cursor.
 */
import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Bindings } from '../../env';
import type { Db } from '../../db/client';
import { bookingHosts, bookings, hostClaims, roundRobinCursors, type Booking } from '../../db/schema';
import type { PageWithHosts } from '../../db/pages';
import { pageRules, type HostUser } from '../../db/availability';
import { bufferedInterval, findSlot, pickRoundRobinHost, type Slot } from '../../domain/slots';
import { availability } from '../availability';
import { fail, SLOT_TAKEN, type ReservationFailure } from './types';

const MINUTE = 60_000;

/** Host-wise slot check at `start`: 400 when the engine never offers it, 409 when it is taken. */
export async function checkSlot(
  env: Bindings,
  db: Db,
  page: PageWithHosts,
  start: number,
  now: number,
  moving?: Booking,
): Promise<{ slot: Slot; occurrenceId?: string; hostUsers: HostUser[] } | ReservationFailure> {
  const rules = pageRules(page);
  const ctx = await availability(env, db, page, start, start + page.durationMinutes * MINUTE, {
    ignoreBookingIds: moving ? [moving.id] : [],
    ownTimes: moving ? [{ start: moving.startAt, end: moving.endAt }] : [],
  });
  const structural = findSlot({ page: rules, hosts: ctx.hosts.map((h) => ({ ...h, busy: [] })), now, occurrences: [] }, start);
  if (!structural) return fail('validation_failed', 'That start is not an available slot on this page');
  const slot = findSlot({ page: rules, hosts: ctx.hosts, now, occurrences: ctx.occurrences }, start);
  if (!slot) return SLOT_TAKEN();
  return { slot, occurrenceId: ctx.occurrences.find((o) => o.start === start)?.id, hostUsers: ctx.hostUsers };
}

/**
 * A booking's hosts and their claims. A claim holds the buffered interval (the meeting padded
 * by its own page's buffers), so the overlap trigger refuses buffered overlap on every page.
 */
export function claimStatements(db: Db, bookingId: string, hostIds: number[], page: PageWithHosts, start: number, end: number) {
  const claim = bufferedInterval(start, end, page);
  return [
    ...hostIds.map((userId) => db.insert(bookingHosts).values({ bookingId, userId })),
    ...hostIds.map((hostId) => db.insert(hostClaims).values({ bookingId, hostId, startAt: claim.start, endAt: claim.end })),
  ];
}

/**
 * A seat joining (+1) or leaving (-1) an occurrence. Every seat's invite carries the
 * occurrence's UID, so each seat change raises its SEQUENCE in the same UPDATE as the count:
 * a seat that leaves (CANCEL) and comes back (REQUEST) gets a higher SEQUENCE each time, as
 * calendars ignore an update whose SEQUENCE went back. Emails about it use the returned row.
 */
export function seatCountChange(db: Db, occurrence: Booking, delta: 1 | -1, now: number) {
  const changed = { ...occurrence, attendeeCount: occurrence.attendeeCount + delta, icsSequence: occurrence.icsSequence + 1 };
  const statement = db
    .update(bookings)
    .set({ attendeeCount: sql`${bookings.attendeeCount} + ${delta}`, icsSequence: changed.icsSequence, updatedAt: now })
    .where(eq(bookings.id, occurrence.id));
  return { occurrence: changed, statement };
}

/** The page's round robin cursors, to read in the change's read batch. */
export const cursorsQuery = (db: Db, pageId: number) => db.select().from(roundRobinCursors).where(eq(roundRobinCursors.pageId, pageId));
type Cursor = typeof roundRobinCursors.$inferSelect;

/**
 * Round robin's pick among the free hosts (least recent cursor, weight DESC, id ASC) and the
 * cursor move that goes into the same batch as the booking. Callers hold every page host's lock.
 * `cursors`: the page's cursors when the caller read them already (its read batch).
 */
export async function pickRoundRobin(db: Db, page: PageWithHosts, freeHostIds: number[], now: number, cursors?: Cursor[]) {
  cursors ??= await cursorsQuery(db, page.id);
  const hostId = pickRoundRobinHost(
    freeHostIds,
    page.hosts.map((h) => ({ userId: h.userId, weight: h.weight, rotation: cursors.find((c) => c.userId === h.userId)?.rotation ?? null })),
  );
  if (hostId === undefined) return null;
  const nextRotation = () => sql`(SELECT COALESCE(MAX(rotation), 0) + 1 FROM round_robin_cursors WHERE page_id = ${page.id})`;
  const cursor = db
    .insert(roundRobinCursors)
    .values({ pageId: page.id, userId: hostId, lastAssignedAt: now, rotation: nextRotation() as unknown as number })
    .onConflictDoUpdate({ target: [roundRobinCursors.pageId, roundRobinCursors.userId], set: { lastAssignedAt: now, rotation: nextRotation() } });
  return { hostId, cursor };
}

const DAY = 86_400_000;

/**
 * The hosts' claims reaching into `window`, as the meetings they hold. A Durable Object refuses
 * early only what overlaps a meeting: a claim holds at least its meeting (buffers only pad it),
 * so D1 refuses that too, whatever a page's buffers are or become. Claims last at most a day,
 * so one day back finds every one that reaches in (host_claims_host_start_idx).
 */
export const heldQuery = (db: Db, hostIds: number[], window: { start: number; end: number }) =>
  db
    .select({ hostId: hostClaims.hostId, bookingId: hostClaims.bookingId, start: bookings.startAt, end: bookings.endAt })
    .from(hostClaims)
    .innerJoin(bookings, eq(bookings.id, hostClaims.bookingId))
    .where(and(inArray(hostClaims.hostId, hostIds), gt(hostClaims.startAt, window.start - DAY), lt(hostClaims.startAt, window.end)));
