import type { Bindings } from '../env';
import type { Db } from '../db/client';
import type { PageWithHosts } from '../db/pages';
import { TZDate } from '@date-fns/tz';
import { loadSlotContext, loadUserSchedule, type AvailabilityRows, type SlotContext } from '../db/availability';
import { calendarBusy } from '../calendar/google';
import { workingIntervals, type Interval } from '../domain/slots';
import { userWithinScope, type SessionUser } from '../domain/permissions';
import { addDays, formatClock, localDateKey, localDateOf, zonedWallTimeToUtc, type LocalDate } from '../domain/time';

/**
 * The slot context with each host's calendar busy times added (when Google is configured).
 * `ownTimes` are the times of bookings being moved: their own calendar events do not block.
 */
export async function availability(
  env: Bindings,
  db: Db,
  page: PageWithHosts,
  from: number,
  to: number,
  opts: { ignoreBookingIds?: string[]; ownTimes?: Interval[] } = {},
): Promise<SlotContext> {
  const ctx = await loadSlotContext(db, page, from, to, { ignoreBookingIds: opts.ignoreBookingIds });
  const busy = await calendarBusy(env, ctx.hostUsers, from - 86_400_000, to + 86_400_000);
  if (busy.size === 0) return ctx;
  const own = opts.ownTimes ?? [];
  for (const host of ctx.hosts) {
    const extra = (busy.get(host.userId) ?? []).filter((b) => !own.some((o) => o.start === b.start && o.end === b.end));
    host.busy.push(...extra);
  }
  return ctx;
}

/**
 * Who may do what with a user's availability: one's own always visible, editable with any edit
 * permission (a viewer has none: no edit actions anywhere); others by view, then edit scope.
 */
export function availabilityAccess(actor: SessionUser, target: { id: number; teamId: number | null }): 'edit' | 'view' | null {
  if (actor.id === target.id) return actor.permissions.edit ? 'edit' : 'view';
  if (!userWithinScope(actor, actor.permissions.view, target)) return null;
  return userWithinScope(actor, actor.permissions.edit, target) ? 'edit' : 'view';
}

export type WeeklyJson = { day: number; start: string; end: string };
export type OverrideJson = { date: string; start: string; end: string } | { date: string; unavailable: true };
export type AvailabilityJson = { timezone: string; weekly: WeeklyJson[]; overrides: OverrideJson[] };


/**
 * The shape GET answers and PUT takes: one weekly entry per range; one override entry per range
 * of a date, or one `unavailable` entry for a day off. Sorted by day and start, date and start.
 */
export function availabilityJson(timezone: string, rows: AvailabilityRows): AvailabilityJson {
  const weekly = [...rows.weekly]
    .sort((a, b) => a.day - b.day || a.startMinute - b.startMinute)
    .map((r) => ({ day: r.day, start: formatClock(r.startMinute), end: formatClock(r.endMinute) }));
  const overrides = [...rows.overrides]
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : (a.startMinute ?? -1) - (b.startMinute ?? -1)))
    .map((o): OverrideJson =>
      o.unavailable || o.startMinute === null || o.endMinute === null
        ? { date: o.date, unavailable: true }
        : { date: o.date, start: formatClock(o.startMinute), end: formatClock(o.endMinute) },
    );
  return { timezone, weekly, overrides };
}

/** Intervals of `from` not covered by `minus` (both sorted by start, `minus` merged). */
function subtract(from: Interval[], minus: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const w of from) {
    let start = w.start;
    for (const b of minus) {
      if (b.end <= start || b.start >= w.end) continue;
      if (b.start > start) out.push({ start, end: b.start });
      start = Math.max(start, b.end);
    }
    if (start < w.end) out.push({ start, end: w.end });
  }
  return out;
}

const merge = (intervals: Interval[]) =>
  [...intervals]
    .sort((a, b) => a.start - b.start)
    .reduce<Interval[]>((out, i) => {
      const last = out[out.length - 1];
      if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
      else out.push({ ...i });
      return out;
    }, []);

/** A preview day: its free ranges, or why it has none (`off`: no hours; `booked`; `past`: today's hours are over). */
export type PreviewDay = { date: string; label: string; ranges: string[]; state: 'free' | 'off' | 'booked' | 'past' };

const dayLabel = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
/** "Mon, Dec 7" for a local date, read as a calendar date (never through a zone). */
export const localDateLabel = (d: LocalDate) => dayLabel.format(Date.UTC(d.year, d.month - 1, d.day));

function wallClock(ms: number, zone: string) {
  const t = new TZDate(ms, zone);
  return `${t.getHours()}:${String(t.getMinutes()).padStart(2, '0')}`;
}

/**
 * The next `days` local days in the user's zone, each with the free time the slot engine sees:
 * working hours after overrides (workingIntervals), less every claim (buffers included) and
 * calendar busy time, from now on. Also answers the rows it read, for the editor.
 */
export async function freeTimePreview(
  env: Bindings,
  db: Db,
  user: { id: number; email: string; timezone: string },
  now: number,
  days = 7,
): Promise<{ rows: AvailabilityRows; days: PreviewDay[] }> {
  const zone = user.timezone;
  const first = localDateOf(now, zone);
  const dates = Array.from({ length: days + 1 }, (_, i) => addDays(first, i));
  const edges = dates.map((d) => zonedWallTimeToUtc(d, 0, zone));
  const from = edges[0];
  const to = edges[days];
  const { busy: claims, ...rows } = await loadUserSchedule(db, user.id, from, to);
  const calendar = await calendarBusy(env, [user], from, to);
  const busy = merge([...claims, ...(calendar.get(user.id) ?? [])]);
  const working = workingIntervals({ timezone: zone, ...rows }, from, to);
  const free = subtract(working, busy);
  const within = (list: Interval[], lo: number, hi: number) => list.filter((f) => f.end > lo && f.start < hi);
  const preview = dates.slice(0, days).map((date, i): PreviewDay => {
    const dayStart = Math.max(edges[i], now);
    const dayEnd = edges[i + 1];
    const ranges = within(free, dayStart, dayEnd).map((f) => {
      const end = Math.min(f.end, dayEnd);
      return `${wallClock(Math.max(f.start, dayStart), zone)}–${end === dayEnd ? '24:00' : wallClock(end, zone)}`;
    });
    const state = ranges.length
      ? 'free'
      : within(working, dayStart, dayEnd).length
        ? 'booked'
        : within(working, edges[i], dayEnd).length
          ? 'past'
          : 'off';
    return { date: localDateKey(date), label: localDateLabel(date), ranges, state };
  });
  return { rows, days: preview };
}
