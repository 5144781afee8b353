/** Timezone helpers. Conversions go through @date-fns/tz (IANA data from Intl), never offset math. */
import { TZDate } from '@date-fns/tz';

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

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export type LocalDate = { year: number; month: number; day: number }; // month 1-12

export function localDateKey(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
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

export function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export function weekdayOf(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** Short zone name for display, e.g. "EST", "CET", "GMT+5:30". */
export function zoneAbbreviation(instantMs: number, zone: string, locale = 'en-US'): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
    .formatToParts(new Date(instantMs))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? zone;
}

export const iso = (ms: number) => new Date(ms).toISOString();
