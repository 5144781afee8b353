import { and, asc, eq, gt, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { availabilityOverrides, availabilityRules, bookings, hostClaims, users } from './schema';
import type { DateOverride, GroupOccurrence, HostAvailability, Interval, PageRules, WeeklyRule } from '../domain/slots';
import type { PageWithHosts } from './pages';
import type { Locale } from '../domain/locales';

const DAY = 86_400_000;

export const pageRules = (p: PageWithHosts): PageRules => ({
  strategy: p.strategy,
  timezone: p.timezone,
  durationMinutes: p.durationMinutes,
  slotIntervalMinutes: p.slotIntervalMinutes,
  minimumNoticeMinutes: p.minimumNoticeMinutes,
  horizonDays: p.horizonDays,
  bufferBeforeMinutes: p.bufferBeforeMinutes,
  bufferAfterMinutes: p.bufferAfterMinutes,
  groupCapacity: p.groupCapacity,
});

/** A host as emails need them: `locale` is the language of their own emails (SPEC 10). */
export type HostUser = { id: number; name: string; email: string; locale: Locale };
export type SlotContext = { hosts: HostAvailability[]; occurrences: GroupOccurrence[]; hostUsers: HostUser[] };

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const list = out.get(key(row));
    if (list) list.push(row);
    else out.set(key(row), [row]);
  }
  return out;
}

/**
 * Everything the slot engine needs for a page over [from, to), in one D1 round trip:
 * the hosts' zones, weekly hours, overrides and claimed time, and the page's group occurrences.
 * `extraBusy` adds calendar busy times per host.
 */
export async function loadSlotContext(
  db: Db,
  page: PageWithHosts,
  from: number,
  to: number,
  opts: { ignoreBookingIds?: string[]; extraBusy?: Map<number, Interval[]> } = {},
): Promise<SlotContext> {
  const hostIds = page.hosts.map((h) => h.userId);
  const lo = from - 2 * DAY;
  const hi = to + 2 * DAY;
  const [hostRows, rules, overrides, claims, occurrences] = await db.batch([
    db.select({ id: users.id, name: users.name, email: users.email, timezone: users.timezone, locale: users.locale }).from(users).where(inArray(users.id, hostIds)),
    db.select().from(availabilityRules).where(inArray(availabilityRules.userId, hostIds)),
    db.select().from(availabilityOverrides).where(inArray(availabilityOverrides.userId, hostIds)),
    db
      .select()
      .from(hostClaims)
      .where(and(inArray(hostClaims.hostId, hostIds), gt(hostClaims.startAt, lo - DAY), lt(hostClaims.startAt, hi)))
      // The index's own order: each host's busy time arrives sorted, so the engine needs no sort.
      .orderBy(asc(hostClaims.hostId), asc(hostClaims.startAt)),
    db
      .select({ start: bookings.startAt, attendeeCount: bookings.attendeeCount, capacity: bookings.capacity, id: bookings.id })
      .from(bookings)
      .where(
        and(eq(bookings.pageId, page.id), gt(bookings.startAt, lo), lt(bookings.startAt, hi), sql`${bookings.status} = 'confirmed'`),
      ),
  ]);
  const ignore = new Set(opts.ignoreBookingIds ?? []);
  // Grouped in one pass each: a scan of every row per host would grow with hosts × bookings.
  const rulesOf = groupBy(rules, (r) => r.userId);
  const overridesOf = groupBy(overrides, (o) => o.userId);
  const busyOf = new Map<number, Interval[]>();
  for (const c of claims) {
    if (ignore.has(c.bookingId)) continue;
    const list = busyOf.get(c.hostId);
    if (list) list.push({ start: c.startAt, end: c.endAt });
    else busyOf.set(c.hostId, [{ start: c.startAt, end: c.endAt }]);
  }
  const hosts = page.hosts.map((h): HostAvailability => {
    const user = hostRows.find((u) => u.id === h.userId);
    return {
      userId: h.userId,
      weight: h.weight,
      timezone: user?.timezone ?? page.timezone,
      weekly: rulesOf.get(h.userId) ?? [],
      overrides: overridesOf.get(h.userId) ?? [],
      busy: [...(busyOf.get(h.userId) ?? []), ...(opts.extraBusy?.get(h.userId) ?? [])],
    };
  });
  return {
    hosts,
    occurrences: occurrences.filter((o) => !ignore.has(o.id)),
    hostUsers: hostRows.map(({ id, name, email, locale }) => ({ id, name, email, locale })),
  };
}

/**
 * A page's buffers changed: its upcoming confirmed bookings claim their newly padded time, for
 * the page update's own batch. Claims are immutable, so they are deleted and inserted again; an
 * insert that would overlap another booking's claim aborts the whole batch (`already_booked`),
 * so buffers cannot grow into time already booked. Past bookings keep the claims they had.
 */
export function rebufferClaimStatements(db: Db, pageId: number, buffers: { bufferBeforeMinutes: number; bufferAfterMinutes: number }, now: number) {
  const upcoming: SQL = sql`(SELECT id FROM bookings WHERE page_id = ${pageId} AND status = 'confirmed' AND end_at > ${now})`;
  return [
    db.delete(hostClaims).where(sql`${hostClaims.bookingId} IN ${upcoming}`),
    // Columns in the table's order: booking_id, host_id, start_at, end_at.
    db.insert(hostClaims).select(
      sql`SELECT b.id, h.user_id, b.start_at - ${buffers.bufferBeforeMinutes * 60_000}, b.end_at + ${buffers.bufferAfterMinutes * 60_000}
        FROM bookings b JOIN booking_hosts h ON h.booking_id = b.id
        WHERE b.page_id = ${pageId} AND b.status = 'confirmed' AND b.end_at > ${now}`,
    ),
  ];
}

const rulesOf = (db: Db, userId: number) =>
  db
    .select({ day: availabilityRules.day, startMinute: availabilityRules.startMinute, endMinute: availabilityRules.endMinute })
    .from(availabilityRules)
    .where(eq(availabilityRules.userId, userId))
    .orderBy(asc(availabilityRules.day), asc(availabilityRules.startMinute));

const overridesOf = (db: Db, userId: number) =>
  db
    .select({
      date: availabilityOverrides.date,
      startMinute: availabilityOverrides.startMinute,
      endMinute: availabilityOverrides.endMinute,
      unavailable: availabilityOverrides.unavailable,
    })
    .from(availabilityOverrides)
    .where(eq(availabilityOverrides.userId, userId))
    .orderBy(asc(availabilityOverrides.date), asc(availabilityOverrides.startMinute));

export type AvailabilityRows = { weekly: WeeklyRule[]; overrides: DateOverride[] };

/** One user's weekly hours and overrides (every date, several rows a date), sorted, in one round trip. */
export async function loadAvailabilityRows(db: Db, userId: number): Promise<AvailabilityRows> {
  const [weekly, overrides] = await db.batch([rulesOf(db, userId), overridesOf(db, userId)]);
  return { weekly, overrides };
}

/**
 * One user's hours, overrides and claimed time over [from, to) in one round trip: what the slot
 * engine reads for a host (loadSlotContext), for the availability editor's preview.
 */
export async function loadUserSchedule(db: Db, userId: number, from: number, to: number): Promise<AvailabilityRows & { busy: Interval[] }> {
  const [weekly, overrides, claims] = await db.batch([
    rulesOf(db, userId),
    overridesOf(db, userId),
    db
      .select({ start: hostClaims.startAt, end: hostClaims.endAt })
      .from(hostClaims)
      // Claims last at most a day (host_claims_length_check): one day back finds every one that reaches in.
      .where(and(eq(hostClaims.hostId, userId), gt(hostClaims.startAt, from - DAY), lt(hostClaims.startAt, to))),
  ]);
  return { weekly, overrides, busy: claims.filter((c) => c.end > from) };
}
