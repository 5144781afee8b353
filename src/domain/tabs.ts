/** The Bookings page tabs: which rows each holds and in what order. */
import type { BookingStatus } from '../db/schema';

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
