/**
 * The slot engine as it was before the zone clocks (commit 6f2c683): every wall time converted
 * through TZDate, every candidate probed by binary search. Kept as the oracle the engine is
 * compared against (slot-equivalence.test.ts); not used by the app.
 */
import { addDays, localDateKey, localDateOf, wallBoundaryToUtc, weekdayOf, zonedWallTimeToUtc, type LocalDate } from '../../src/domain/time';

import type { DateOverride, HostAvailability, Interval, PageRules, Slot, SlotQuery } from '../../src/domain/slots';

const MINUTE = 60_000;
const DAY = 86_400_000;

function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** Local dates (in `zone`) whose day could touch [from, to). */
function localDatesCovering(from: number, to: number, zone: string): LocalDate[] {
  const first = addDays(localDateOf(from, zone), -1);
  const last = addDays(localDateOf(to, zone), 1);
  const dates: LocalDate[] = [];
  for (let d = first; localDateKey(d) <= localDateKey(last); d = addDays(d, 1)) dates.push(d);
  return dates;
}

/**
 * Where a local day starts and ends in UTC, and whether it is a plain 24-hour day. On a plain
 * day the wall clock runs in step with UTC, so a wall time is the day's start plus its minutes;
 * only days with a DST change need the exact (slower) conversion.
 */
type DayFrame = { date: LocalDate; start: number; end: number; plain: boolean };

/**
 * A local midnight's instant never changes for a zone (within one isolate's tz data), and the
 * same midnights come up on every slot request: convert each once.
 */
const midnightCache = new Map<string, number>();
const MIDNIGHT_CACHE_LIMIT = 100_000;

function localMidnight(date: LocalDate, zone: string): number {
  const key = `${zone}|${localDateKey(date)}`;
  let t = midnightCache.get(key);
  if (t === undefined) {
    if (midnightCache.size >= MIDNIGHT_CACHE_LIMIT) midnightCache.clear();
    t = zonedWallTimeToUtc(date, 0, zone);
    midnightCache.set(key, t);
  }
  return t;
}

function dayFrames(zone: string, from: number, to: number): DayFrame[] {
  const dates = localDatesCovering(from, to, zone);
  const starts = [...dates, addDays(dates[dates.length - 1], 1)].map((d) => localMidnight(d, zone));
  return dates.map((date, i) => ({ date, start: starts[i], end: starts[i + 1], plain: starts[i + 1] - starts[i] === DAY }));
}

const boundary = (frame: DayFrame, minutes: number, zone: string) =>
  frame.plain ? frame.start + minutes * MINUTE : wallBoundaryToUtc(frame.date, minutes, zone);

/** A host's working time in UTC over [from, to): weekly hours, replaced per date by overrides. */
export function workingIntervals(host: Pick<HostAvailability, 'timezone' | 'weekly' | 'overrides'>, from: number, to: number): Interval[] {
  // A date may carry several override rows (its own ranges); any day-off row empties the date.
  const overrides = new Map<string, DateOverride[]>();
  for (const o of host.overrides) {
    const dated = overrides.get(o.date);
    if (dated) dated.push(o);
    else overrides.set(o.date, [o]);
  }
  const out: Interval[] = [];
  for (const frame of dayFrames(host.timezone, from, to)) {
    const dated = overrides.get(localDateKey(frame.date));
    let ranges: { startMinute: number; endMinute: number }[];
    if (dated) {
      ranges = dated.some((o) => o.unavailable)
        ? []
        : dated.flatMap((o) => (o.startMinute === null || o.endMinute === null ? [] : [{ startMinute: o.startMinute, endMinute: o.endMinute }]));
    } else {
      const weekday = weekdayOf(frame.date);
      ranges = host.weekly.filter((r) => r.day === weekday);
    }
    for (const r of ranges) {
      const start = boundary(frame, r.startMinute, host.timezone);
      const end = boundary(frame, r.endMinute, host.timezone);
      if (end > start && end > from && start < to) out.push({ start, end });
    }
  }
  return mergeIntervals(out);
}

/**
 * Candidate starts: every slot interval of real time from the local day's start in the page's
 * zone, to the next day's start. A fall-back day (25 h) offers its repeated hour twice, each a
 * distinct instant; a spring-forward day (23 h) simply has fewer. Plain arithmetic per day.
 */
function candidateStarts(page: Pick<PageRules, 'timezone' | 'slotIntervalMinutes'>, from: number, to: number): number[] {
  const step = page.slotIntervalMinutes * MINUTE;
  const out: number[] = [];
  for (const frame of dayFrames(page.timezone, from, to)) {
    // Frames are consecutive days, so the starts come out sorted and distinct.
    const first = frame.start + Math.max(0, Math.ceil((from - frame.start) / step)) * step;
    for (let t = first; t < frame.end && t < to; t += step) out.push(t);
  }
  return out;
}

/** Index of the first interval whose end is after t (intervals sorted by start, non-overlapping ends ascending). */
function firstEndingAfter(intervals: Interval[], t: number): number {
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (intervals[mid].end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type PreparedHost = { userId: number; working: Interval[]; busy: Interval[] };

function prepareHost(host: HostAvailability, from: number, to: number, page: PageRules): PreparedHost {
  const pad = (page.bufferBeforeMinutes + page.bufferAfterMinutes + page.durationMinutes) * MINUTE + DAY;
  return {
    userId: host.userId,
    working: workingIntervals(host, from - pad, to + pad),
    busy: mergeIntervals(host.busy.filter((b) => b.end > from - pad && b.start < to + pad)),
  };
}

/**
 * The time a booking blocks its host: the meeting padded by its own page's buffers. Claims hold
 * exactly this, so two bookings conflict when their buffered intervals overlap, whichever came
 * first and whichever pages they are on.
 */
function bufferedInterval(start: number, end: number, page: Pick<PageRules, 'bufferBeforeMinutes' | 'bufferAfterMinutes'>): Interval {
  return { start: start - page.bufferBeforeMinutes * MINUTE, end: end + page.bufferAfterMinutes * MINUTE };
}

/** Free = the slot lies inside working time and its buffered interval overlaps nothing busy. */
function isFree(host: PreparedHost, start: number, end: number, page: PageRules): boolean {
  const w = host.working[firstEndingAfter(host.working, start)];
  if (!w || w.start > start || w.end < end) return false;
  const guard = bufferedInterval(start, end, page);
  const b = host.busy[firstEndingAfter(host.busy, guard.start)];
  return !b || b.start >= guard.end;
}

/** Bookable slots in [from, to), soonest first, with the hosts free for each. */
export function computeSlots(q: SlotQuery): Slot[] {
  const { page } = q;
  const duration = page.durationMinutes * MINUTE;
  const earliest = q.now + page.minimumNoticeMinutes * MINUTE;
  const latest = q.now + page.horizonDays * DAY;
  const from = Math.max(q.from, earliest);
  const to = Math.min(q.to, latest + 1);
  if (from >= to || q.hosts.length === 0) return [];

  const hosts = q.hosts.map((h) => prepareHost(h, from, to, page));
  const occurrences = new Map((q.occurrences ?? []).map((o) => [o.start, o]));
  const slots: Slot[] = [];

  for (const start of candidateStarts(page, from, to)) {
    const end = start + duration;
    if (page.strategy === 'group') {
      const occurrence = occurrences.get(start);
      if (occurrence) {
        const seatsLeft = occurrence.capacity - occurrence.attendeeCount;
        if (seatsLeft > 0) slots.push({ start, end, hostIds: [hosts[0].userId], seatsLeft });
        continue;
      }
      if (isFree(hosts[0], start, end, page)) {
        slots.push({ start, end, hostIds: [hosts[0].userId], seatsLeft: page.groupCapacity ?? 0 });
      }
      continue;
    }
    const free = hosts.filter((h) => isFree(h, start, end, page)).map((h) => h.userId);
    const offered =
      page.strategy === 'collective' ? free.length === hosts.length : page.strategy === 'round_robin' ? free.length > 0 : free.length === 1;
    if (offered) slots.push({ start, end, hostIds: free });
  }
  return slots;
}
