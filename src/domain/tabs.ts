/** The Bookings page tabs: which rows each holds and in what order. */
import type { BookingStatus } from './booking-status';
import { addDays, localDateKey, localDateOf, wallBoundaryToUtc, type LocalDate } from './time';

export const TABS = ['upcoming', 'past', 'cancelled', 'rescheduled'] as const;
export type Tab = (typeof TABS)[number];

export type TabRule = { status: BookingStatus; time: 'future' | 'past' | 'any'; order: 'asc' | 'desc' };

export const TAB_RULES: Record<Tab, TabRule> = {
  upcoming: { status: 'confirmed', time: 'future', order: 'asc' },
  past: { status: 'confirmed', time: 'past', order: 'desc' },
  cancelled: { status: 'cancelled', time: 'any', order: 'desc' },
  rescheduled: { status: 'rescheduled', time: 'any', order: 'desc' },
};

/** The tab a booking sits in at `now`. */
export function tabOf(b: { status: BookingStatus; startAt: number }, now: number): Tab {
  if (b.status === 'cancelled') return 'cancelled';
  if (b.status === 'rescheduled') return 'rescheduled';
  return b.startAt > now ? 'upcoming' : 'past';
}

export type Cursor = { startAt: number; id: string };

export const encodeCursor = (c: Cursor) => btoa(`${c.startAt}:${c.id}`).replace(/=+$/, '');

export function decodeCursor(s: string): Cursor | null {
  try {
    const [start, id] = atob(s).split(':');
    const startAt = Number(start);
    return Number.isSafeInteger(startAt) && id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? { startAt, id } : null;
  } catch {
    return null;
  }
}

/** The Past tab's attendance filter; `unmarked` is a booking nobody has marked yet. */
export const ATTENDANCE_FILTERS = ['attended', 'no_show', 'unmarked'] as const;
export type AttendanceFilter = (typeof ATTENDANCE_FILTERS)[number];

/** A calendar date as the filters take it: YYYY-MM-DD that names a real day. */
export function parseDateKey(value: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
  return t.getUTCFullYear() === d.year && t.getUTCMonth() === d.month - 1 && t.getUTCDate() === d.day ? d : null;
}

/**
 * A date range in the viewer's zone as UTC instants: from the first instant of `from` there to
 * the first instant of the day after `to` (exclusive), so a DST day keeps its 23 or 25 hours.
 */
export function dayRangeUtc(from: LocalDate | null, to: LocalDate | null, zone: string): { fromAt?: number; toAt?: number } {
  return {
    ...(from ? { fromAt: wallBoundaryToUtc(from, 0, zone) } : {}),
    ...(to ? { toAt: wallBoundaryToUtc(addDays(to, 1), 0, zone) } : {}),
  };
}

/** The heading a row sits under: its day in the page's zone, relative to today there. */
export function dayHeading(startAt: number, zone: string, now: number, formatDate: (ms: number, zone: string) => string): { key: string; label: string } {
  const day = localDateOf(startAt, zone);
  const key = localDateKey(day);
  const today = localDateOf(now, zone);
  const relative: Record<string, string> = {
    [localDateKey(today)]: 'Today',
    [localDateKey(addDays(today, 1))]: 'Tomorrow',
    [localDateKey(addDays(today, -1))]: 'Yesterday',
  };
  return { key, label: relative[key] ?? formatDate(startAt, zone) };
}

const STRATEGY_LABELS: Record<string, string> = { individual: 'One host', round_robin: 'Round robin', collective: 'Collective', group: 'Group' };

/** A page's strategy in words. */
export const strategyLabel = (strategy: string) => STRATEGY_LABELS[strategy] ?? strategy;
