/**
 * The booking as a booker sees it (booking POST, manage GET/POST, the invite download): built
 * only from the caller's own booking or, on a group page, their own seat, as a whitelist of
 * what they gave and need. Nothing internal (CRM link, hosts, delivery or calendar audit, the
 * host's message) and nothing of another booker, so the answer cannot tell a stranger whether
 * an email is a known customer or who else registered.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bookingAttendees, bookings, schedulingPages, type Booking } from '../db/schema';
import { iso } from '../domain/time';
import { seatBooker } from '../db/bookings';
import type { Bindings } from '../env';
import type { PageWithHosts } from '../db/pages';
import { pageRules } from '../db/availability';
import { computeSlots, type Slot } from '../domain/slots';
import { localDateOf, wallBoundaryToUtc } from '../domain/time';
import { availability } from './availability';

type Seat = typeof bookingAttendees.$inferSelect;
type PageFields = { slug: string; title: string; strategy: string };

export type PublicSource = { booking: Booking; page: PageFields; seat: Seat | null };

const pageFields = { slug: schedulingPages.slug, title: schedulingPages.title, strategy: schedulingPages.strategy };

export function publicBookingJson({ booking: b, page, seat }: PublicSource) {
  const occurrence = {
    id: b.id,
    seriesId: b.seriesId,
    pageSlug: page.slug,
    pageTitle: page.title,
    start: iso(b.startAt),
    end: iso(b.endAt),
    timezone: b.timezone,
    strategy: page.strategy,
    locationType: b.locationType,
    locationValue: b.locationValue,
    meetingUrl: b.meetingUrl,
    durationMinutes: Math.round((b.endAt - b.startAt) / 60_000),
    icsUid: b.icsUid,
    icsSequence: b.icsSequence,
  };
  if (!seat) {
    return {
      ...occurrence,
      status: b.status,
      bookerName: b.bookerName,
      bookerEmail: b.bookerEmail,
      bookerPhone: b.bookerPhone,
      bookerTimezone: b.bookerTimezone,
      notes: b.notes,
      answers: b.answers,
      cancelReason: b.cancelReason,
      cancelledBy: b.cancelledBy,
    };
  }
  // A seat that left is cancelled by its booker while the occurrence goes on for the others.
  const seatLeft = seat.status === 'cancelled' && b.status !== 'cancelled';
  // The occurrence's reason is another booker's words unless the host cancelled it for everyone.
  const hostReason = b.cancelledBy === 'host' ? b.cancelReason : null;
  return {
    ...occurrence,
    status: seatLeft ? ('cancelled' as const) : b.status,
    ...seatBooker(seat),
    cancelReason: seatLeft ? null : hostReason,
    cancelledBy: seatLeft ? ('booker' as const) : b.cancelledBy,
    attendeeCount: b.attendeeCount,
    seatsLeft: Math.max(0, b.capacity - b.attendeeCount),
  };
}

export type PublicBooking = ReturnType<typeof publicBookingJson>;

/** The caller's booking, or their seat with its occurrence, in one query. */
export async function loadPublicBooking(db: Db, owner: { bookingId: string; attendeeId?: string | null }): Promise<PublicBooking | null> {
  if (owner.attendeeId) {
    const [row] = await db
      .select({ seat: bookingAttendees, booking: bookings, page: pageFields })
      .from(bookingAttendees)
      .innerJoin(bookings, eq(bookings.id, bookingAttendees.bookingId))
      .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
      .where(eq(bookingAttendees.id, owner.attendeeId));
    return row ? publicBookingJson(row) : null;
  }
  const [row] = await db
    .select({ booking: bookings, page: pageFields })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .where(eq(bookings.id, owner.bookingId));
  return row ? publicBookingJson({ ...row, seat: null }) : null;
}

const DAY = 86_400_000;

export type PublicSlot = { start: string; end: string; seatsLeft?: number };

/** The engine's slots of the page in [from, to), with the slot context they came from. */
async function engineSlots(env: Bindings, db: Db, page: PageWithHosts, from: number, to: number, now: number) {
  const ctx = await availability(env, db, page, from, to);
  return { ctx, slots: computeSlots({ page: pageRules(page), hosts: ctx.hosts, occurrences: ctx.occurrences, from, to, now }) };
}

/** The page's free slots in [from, to) as the public API answers them, and its hosts' names. */
export async function publicSlots(env: Bindings, db: Db, page: PageWithHosts, from: number, to: number, now: number) {
  const { ctx, slots } = await engineSlots(env, db, page, from, to, now);
  const group = page.strategy === 'group';
  return {
    slots: slots.map((s): PublicSlot => (group ? { start: iso(s.start), end: iso(s.end), seatsLeft: s.seatsLeft } : { start: iso(s.start), end: iso(s.end) })),
    // In the page's host order: the names a booker sees on the page anyway.
    hostNames: page.hosts.map((h) => ctx.hostUsers.find((u) => u.id === h.userId)?.name).filter((n): n is string => !!n),
  };
}

/** The slots GET's answer, `{"slots":[...]}`, as publicSlotsJson writes it. */
export async function publicSlotsBody(env: Bindings, db: Db, page: PageWithHosts, from: number, to: number, now: number): Promise<string> {
  const { slots } = await engineSlots(env, db, page, from, to, now);
  return publicSlotsJson(slots, page.strategy === 'group');
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));
const MINUTE = 60_000;
const HOUR = 3_600_000;
const MINUTE_CLOCKS: string[] = new Array(1440);
/** 10000-01-01T00:00Z: from there on (and before 1970) toISOString is left to write the year. */
const ISO_PLAIN_END = 253_402_300_800_000;

/**
 * Exactly `JSON.stringify({ slots })` of publicSlots' objects for these engine slots, written
 * as text: a month of a 15-minute page is ~3,000 slots, and a Date and its toISOString for each
 * start and end, then an object per slot to stringify, cost more than the engine (issue 17).
 * Each UTC day's "YYYY-MM-DDT" is read from toISOString once; the clock part is arithmetic.
 * ISO strings and numbers need no JSON escaping.
 */
export function publicSlotsJson(slots: readonly Pick<Slot, 'start' | 'end' | 'seatsLeft'>[], group: boolean): string {
  let dayStart = NaN;
  let dayPrefix = '';
  const isoOf = (ms: number): string => {
    if (!(ms >= 0 && ms < ISO_PLAIN_END) || ms !== Math.floor(ms)) return new Date(ms).toISOString();
    let r = ms - dayStart;
    if (!(r >= 0 && r < DAY)) {
      dayStart = ms - (ms % DAY);
      dayPrefix = new Date(dayStart).toISOString().slice(0, 11);
      r = ms - dayStart;
    }
    // Slots start on whole minutes: their "HH:MM:00.000Z" is written once per isolate.
    if (r % MINUTE === 0) return dayPrefix + (MINUTE_CLOCKS[r / MINUTE] ??= `${TWO_DIGITS[(r / HOUR) | 0]}:${TWO_DIGITS[(r % HOUR) / MINUTE]}:00.000Z`);
    const milli = r % 1000;
    const seconds = (r - milli) / 1000;
    const minutes = (seconds - (seconds % 60)) / 60;
    const hours = (minutes - (minutes % 60)) / 60;
    return `${dayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes % 60]}:${TWO_DIGITS[seconds % 60]}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  };
  const parts: string[] = new Array(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    let part = `{"start":"${isoOf(s.start)}","end":"${isoOf(s.end)}"`;
    // As JSON.stringify writes it: no key for undefined, null for a non-finite number.
    if (group && s.seatsLeft !== undefined) part += `,"seatsLeft":${JSON.stringify(s.seatsLeft)}`;
    parts[i] = `${part}}`;
  }
  return `{"slots":[${parts.join(',')}]}`;
}

/** Zones are at most 26 h apart: this much past a month's end in the page's zone covers it in any zone. */
const ZONE_SLACK = 2 * DAY;

/**
 * What the booking page carries in its HTML (SPEC 10: no slots request on load): the free slots
 * from now to the end of this month (in the page's zone, with slack so every zone's month is
 * whole), or of the first later month with any, within the horizon. `loadedTo` says how far
 * the list is complete; the script fetches later months itself.
 */
export async function firstMonthSlots(env: Bindings, db: Db, page: PageWithHosts, now: number) {
  const horizonEnd = now + page.horizonDays * DAY;
  let from = now;
  let result: Awaited<ReturnType<typeof publicSlots>> | undefined;
  let to = now;
  for (let month = 0; month < 3 && from < horizonEnd; month++) {
    const local = localDateOf(from, page.timezone);
    const next = local.month === 12 ? { year: local.year + 1, month: 1, day: 1 } : { year: local.year, month: local.month + 1, day: 1 };
    const monthEnd = wallBoundaryToUtc(next, 0, page.timezone);
    to = Math.min(horizonEnd, monthEnd + ZONE_SLACK);
    const found = await publicSlots(env, db, page, from, to, now);
    result = result ? { ...found, slots: [...result.slots, ...found.slots] } : found;
    // Free time inside the month: the page opens there. Only in the slack: that month is next.
    if (found.slots.some((s) => Date.parse(s.start) < monthEnd)) break;
    from = to;
  }
  return { ...result!, loadedTo: to, horizonEnd };
}
