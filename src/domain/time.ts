/**
 * Timezone helpers. The zone data comes from @date-fns/tz (IANA data from Intl); the slot engine
 * reads each zone's offsets over its window once (ZoneClock, zone-clock.ts) and converts with
 * arithmetic, without this module's date library.
 */
import { TZDate } from '@date-fns/tz';
import type { LocalDate } from './zone-clock';

export { localDateKey, wallOfDate, ZoneClock, zoneClock, type LocalDate } from './zone-clock';

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
