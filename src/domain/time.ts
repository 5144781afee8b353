/**
 * Timezone helpers. The zone data comes from @date-fns/tz (IANA data from Intl); the slot engine
 * reads each zone's offsets over its window once (ZoneClock) and converts with arithmetic.
 */
import { TZDate, tzOffset } from '@date-fns/tz';

const zoneCache = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  let ok = zoneCache.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone);
    } catch {
      ok = false;
    }
    zoneCache.set(zone, ok);
  }
  return ok;
}

/** "HH:MM" → minutes since midnight; "24:00" allowed as an end. */
export function parseClock(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return h * 60 + m;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
/** Minutes since midnight → "HH:MM" (1440 → "24:00", the end of the day): parseClock's inverse. */
export const formatClock = (minutes: number) => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;

export type LocalDate = { year: number; month: number; day: number }; // month 1-12

export function localDateKey(d: LocalDate): string {
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
}

/** The calendar date and weekday of an instant in a zone. */
export function localDateOf(instantMs: number, zone: string): LocalDate & { weekday: number } {
  const t = new TZDate(instantMs, zone);
  return { year: t.getFullYear(), month: t.getMonth() + 1, day: t.getDate(), weekday: t.getDay() };
}

/**
 * The UTC instant of a wall-clock time on a local date. Minutes may run past 24:00 (next day).
 * A wall time skipped by a DST jump resolves forward (02:30 → 03:30), as calendars do.
 */
export function zonedWallTimeToUtc(date: LocalDate, minutes: number, zone: string): number {
  return new TZDate(date.year, date.month - 1, date.day, Math.floor(minutes / 60), minutes % 60, zone).getTime();
}

/** Local date and minute of an instant, as one comparable number. */
function wallKey(instantMs: number, zone: string): number {
  const t = new TZDate(instantMs, zone);
  return Date.UTC(t.getFullYear(), t.getMonth(), t.getDate()) / 60_000 + t.getHours() * 60 + t.getMinutes();
}

/**
 * The first instant whose wall clock reads at or after `minutes` on `date`: the boundary of a
 * working range. Equals zonedWallTimeToUtc except inside a DST gap, where it is the moment
 * the clocks jump (so 01:30–02:30 on a spring-forward night ends at the jump, not an hour later),
 * and for a wall time a fall-back repeats, its first occurrence.
 */
export function wallBoundaryToUtc(date: LocalDate, minutes: number, zone: string): number {
  const t = zonedWallTimeToUtc(date, minutes, zone);
  const wanted = Date.UTC(date.year, date.month - 1, date.day) / 60_000 + minutes;
  if (wallKey(t, zone) === wanted) {
    // A fall-back repeats wall times: take the first occurrence (shifts are 30 or 60 minutes).
    for (const shift of [60, 30]) {
      const earlier = t - shift * 60_000;
      if (wallKey(earlier, zone) === wanted) return earlier;
    }
    return t;
  }
  let lo = t - 3 * 3_600_000;
  let hi = t;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wallKey(mid, zone) >= wanted) hi = mid;
    else lo = mid;
  }
  return hi;
}

export function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function weekdayOf(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

export const iso = (ms: number) => new Date(ms).toISOString();

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** A local date as a wall-clock instant: its midnight read as if the zone were UTC. */
export const wallOfDate = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day);

/**
 * One zone's UTC offsets over a window, read from the tz data once: `starts[i]` is the instant
 * offset `offsets[i]` (ms) takes effect (the first is -Infinity; the last holds past the window).
 * Wall times are ms as if the zone were UTC (a local midnight is Date.UTC of its date), so each
 * conversion is a comparison and an addition, with no Intl call per day, slot or minute.
 */
export class ZoneClock {
  constructor(
    readonly starts: number[],
    readonly offsets: number[],
  ) {}

  private segmentAt(instant: number): number {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i] > instant) i--;
    return i;
  }

  offsetAt(instant: number): number {
    return this.offsets[this.segmentAt(instant)];
  }

  /** The wall clock at an instant. */
  wallAt(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /** The local date (and weekday) of an instant. */
  localDate(instant: number): LocalDate & { weekday: number } {
    const t = new Date(this.wallAt(instant));
    return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), weekday: t.getUTCDay() };
  }

  /**
   * zonedWallTimeToUtc by arithmetic: a wall time the clocks show twice is its first occurrence;
   * one they skip resolves forward (read with the offset before the jump: 02:30 → 03:30).
   */
  wallToUtc(wall: number): number {
    const { starts, offsets } = this;
    for (let i = 0; i < starts.length; i++) {
      const t = wall - offsets[i];
      if (t < starts[i]) return wall - offsets[i - 1]; // skipped by the jump into segment i
      if (i + 1 === starts.length || t < starts[i + 1]) return t;
    }
    return wall - offsets[offsets.length - 1];
  }

  /**
   * wallBoundaryToUtc by arithmetic: the first instant whose wall clock reads at or after `wall`
   * (inside a gap, the moment of the jump; in a repeated span, its first occurrence).
   */
  wallBoundary(wall: number): number {
    const { starts, offsets } = this;
    for (let i = 0; i < starts.length; i++) {
      const t = Math.max(starts[i], wall - offsets[i]);
      if (i + 1 === starts.length || t < starts[i + 1]) return t;
    }
    return wall - offsets[offsets.length - 1];
  }
}

const offsetMs = (zone: string, instant: number) => tzOffset(zone, new Date(instant)) * MINUTE;

/** The instant (to the minute) in (lo, hi] where the offset stops being `before`. */
function transitionIn(zone: string, lo: number, hi: number, before: number): number {
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
    if (offsetMs(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** One week of a zone: its offset at the week's start and the changes within it. */
type ZoneWeek = { offset: number; changes: { at: number; offset: number }[] };

/** Weeks already read, per zone: the same weeks come up for every host and request of a zone. */
const weekCache = new Map<string, Map<number, ZoneWeek>>();
const WEEK_CACHE_LIMIT = 50_000;
let weeksCached = 0;

function zoneWeek(zone: string, week: number): ZoneWeek {
  let weeks = weekCache.get(zone);
  if (!weeks) weekCache.set(zone, (weeks = new Map()));
  let w = weeks.get(week);
  if (w) return w;
  const start = week * WEEK;
  const offset = weeks.get(week - 1)?.changes.at(-1)?.offset ?? weeks.get(week - 1)?.offset ?? offsetMs(zone, start);
  const end = weeks.get(week + 1)?.offset ?? offsetMs(zone, start + WEEK);
  w = { offset, changes: [] };
  if (end !== offset) {
    const at = transitionIn(zone, start, start + WEEK, offset);
    const next = offsetMs(zone, at);
    w.changes.push({ at, offset: next });
    // A second change in the same week shows as a different offset again by its end.
    if (next !== end) w.changes.push({ at: transitionIn(zone, at, start + WEEK, next), offset: end });
  }
  if (++weeksCached > WEEK_CACHE_LIMIT) (weekCache.clear(), (weeksCached = 0));
  weeks.set(week, w);
  return w;
}

/**
 * The zone's clock over at least [from, to], read a week at a time (no zone changes its offset
 * twice within a week): one Intl call per week, and a binary search to the minute per change.
 */
export function zoneClock(zone: string, from: number, to: number): ZoneClock {
  const first = Math.floor(from / WEEK);
  const last = Math.floor(to / WEEK);
  const starts = [-Infinity];
  const offsets = [zoneWeek(zone, first).offset];
  for (let week = first; week <= last; week++) {
    for (const c of zoneWeek(zone, week).changes) {
      starts.push(c.at);
      offsets.push(c.offset);
    }
  }
  return new ZoneClock(starts, offsets);
}
