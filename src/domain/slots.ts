/**
 * The slot engine: pure functions from availability, bookings and page rules to bookable
 * slots. All instants are epoch ms (UTC); wall-clock rules are converted per host timezone.
 */
import { localDateKey, wallOfDate, zoneClock, type LocalDate, type ZoneClock } from './time';

export type Interval = { start: number; end: number };
export type WeeklyRule = { day: number; startMinute: number; endMinute: number };
export type DateOverride = { date: string; startMinute: number | null; endMinute: number | null; unavailable: boolean };

export type HostAvailability = {
  userId: number;
  weight: number;
  timezone: string;
  weekly: WeeklyRule[];
  overrides: DateOverride[];
  /**
   * Time the host cannot give: each confirmed booking's buffered interval (its claim, see
   * bufferedInterval) on any page, plus calendar busy times. Need not be sorted.
   */
  busy: Interval[];
};

export type Strategy = 'individual' | 'round_robin' | 'collective' | 'group';

export type PageRules = {
  strategy: Strategy;
  timezone: string;
  durationMinutes: number;
  slotIntervalMinutes: number;
  minimumNoticeMinutes: number;
  horizonDays: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  groupCapacity: number | null;
};

/** An existing group occurrence of the page: joining it needs a seat, not free time. */
export type GroupOccurrence = { id?: string; start: number; attendeeCount: number; capacity: number };

export type Slot = { start: number; end: number; hostIds: number[]; seatsLeft?: number };

export type SlotQuery = {
  page: PageRules;
  hosts: HostAvailability[];
  from: number;
  to: number;
  now: number;
  occurrences?: GroupOccurrence[];
};

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Sorted by start (input already sorted, as the database gives it, skips the sort). */
function byStart(intervals: Interval[]): Interval[] {
  for (let i = 1; i < intervals.length; i++) if (intervals[i].start < intervals[i - 1].start) return [...intervals].sort((a, b) => a.start - b.start);
  return intervals;
}

/** Overlapping or touching intervals joined; with a window, only those reaching into (lo, hi). */
function mergeIntervals(intervals: Interval[], lo = -Infinity, hi = Infinity): Interval[] {
  const out: Interval[] = [];
  let last: Interval | undefined;
  // Plain loops, no callbacks and no filtered copy: a fresh isolate runs this in its interpreter,
  // and a host may bring thousands of bookings of which few reach into the window.
  for (const i of byStart(intervals)) {
    if (i.end <= lo || i.start >= hi) continue;
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push((last = { start: i.start, end: i.end }));
  }
  return out;
}

/**
 * Where a local day starts and ends in UTC, and whether it is a plain 24-hour day. On a plain
 * day the wall clock runs in step with UTC, so a wall time is the day's start plus its minutes;
 * only days with a DST change need the clock's boundary rule.
 */
type DayFrame = { date: LocalDate; wall: number; start: number; end: number; plain: boolean };

/** The local days (in the clock's zone) that could touch [from, to), each with its UTC span. */
function dayFrames(clock: ZoneClock, from: number, to: number): DayFrame[] {
  const last = wallOfDate(clock.localDate(to)) + DAY;
  const frames: DayFrame[] = [];
  let wall = wallOfDate(clock.localDate(from)) - DAY;
  let start = clock.wallToUtc(wall);
  for (; wall <= last; wall += DAY) {
    const end = clock.wallToUtc(wall + DAY);
    const d = new Date(wall);
    frames.push({ date: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, wall, start, end, plain: end - start === DAY });
    start = end;
  }
  return frames;
}

/** A zone's clock with room for the frames around [from, to). */
const clockFor = (zone: string, from: number, to: number) => zoneClock(zone, from - 3 * DAY, to + 3 * DAY);

/** A host's working time in UTC over [from, to): weekly hours, replaced per date by overrides. */
export function workingIntervals(host: Pick<HostAvailability, 'timezone' | 'weekly' | 'overrides'>, from: number, to: number): Interval[] {
  // A date may carry several override rows (its own ranges); any day-off row empties the date.
  const overrides = new Map<string, DateOverride[]>();
  for (const o of host.overrides) {
    const dated = overrides.get(o.date);
    if (dated) dated.push(o);
    else overrides.set(o.date, [o]);
  }
  const weekly: WeeklyRule[][] = [[], [], [], [], [], [], []];
  for (const r of host.weekly) weekly[r.day]?.push(r);
  const clock = clockFor(host.timezone, from, to);
  const out: Interval[] = [];
  for (const frame of dayFrames(clock, from, to)) {
    const dated = overrides.size ? overrides.get(localDateKey(frame.date)) : undefined;
    let ranges: { startMinute: number; endMinute: number }[];
    if (dated) {
      ranges = dated.some((o) => o.unavailable)
        ? []
        : dated.flatMap((o) => (o.startMinute === null || o.endMinute === null ? [] : [{ startMinute: o.startMinute, endMinute: o.endMinute }]));
    } else {
      ranges = weekly[new Date(frame.wall).getUTCDay()];
    }
    const at = (minutes: number) => (frame.plain ? frame.start + minutes * MINUTE : clock.wallBoundary(frame.wall + minutes * MINUTE));
    for (const r of ranges) {
      const start = at(r.startMinute);
      const end = at(r.endMinute);
      if (end > start && end > from && start < to) out.push({ start, end });
    }
  }
  return mergeIntervals(out);
}

/**
 * Candidate starts: every slot interval of real time from the local day's start in the page's
 * zone, to the next day's start. A fall-back day (25 h) offers its repeated hour twice, each a
 * distinct instant; a spring-forward day (23 h) simply has fewer. Plain arithmetic per day.
 * With `within` (closed ranges of starts, sorted), only the candidates inside them are visited.
 */
function eachCandidate(page: Pick<PageRules, 'timezone' | 'slotIntervalMinutes'>, from: number, to: number, within: Interval[] | null, visit: (t: number) => void) {
  const step = page.slotIntervalMinutes * MINUTE;
  let k = 0;
  // Frames are consecutive days, so the starts come out sorted and distinct.
  for (const frame of dayFrames(clockFor(page.timezone, from, to), from, to)) {
    const stop = Math.min(frame.end, to);
    let t = frame.start + Math.max(0, Math.ceil((from - frame.start) / step)) * step;
    if (!within) {
      for (; t < stop; t += step) visit(t);
      continue;
    }
    while (k < within.length && within[k].end < t) k++;
    for (let j = k; j < within.length && within[j].start < stop; j++) {
      const r = within[j];
      if (r.start > t) t = frame.start + Math.ceil((r.start - frame.start) / step) * step;
      for (; t <= r.end && t < stop; t += step) visit(t);
    }
  }
}

export function candidateStarts(page: Pick<PageRules, 'timezone' | 'slotIntervalMinutes'>, from: number, to: number): number[] {
  const out: number[] = [];
  eachCandidate(page, from, to, null, (t) => out.push(t));
  return out;
}

/**
 * The time a booking blocks its host: the meeting padded by its own page's buffers. Claims hold
 * exactly this, so two bookings conflict when their buffered intervals overlap, whichever came
 * first and whichever pages they are on.
 */
export function bufferedInterval(start: number, end: number, page: Pick<PageRules, 'bufferBeforeMinutes' | 'bufferAfterMinutes'>): Interval {
  return { start: start - page.bufferBeforeMinutes * MINUTE, end: end + page.bufferAfterMinutes * MINUTE };
}

/**
 * The starts at which a host is free, as closed ranges, sorted: where the meeting fits inside
 * working time ([w.start, w.end − duration]), minus the open range around each busy interval in
 * which the page's buffered meeting would overlap it (b.start − duration − after, b.end + before).
 * One pass over working and busy time, each sorted once: linear in the host's bookings.
 */
function freeStarts(host: HostAvailability, from: number, to: number, page: PageRules): Interval[] {
  const duration = page.durationMinutes * MINUTE;
  const before = page.bufferBeforeMinutes * MINUTE;
  const after = page.bufferAfterMinutes * MINUTE;
  const pad = duration + before + after + DAY;
  const working = workingIntervals(host, from - pad, to + pad);
  const busy = mergeIntervals(host.busy, from - pad, to + pad);
  const out: Interval[] = [];
  let j = 0;
  for (const w of working) {
    let lo = w.start;
    const hi = w.end - duration;
    while (j < busy.length && busy[j].end + before <= lo) j++;
    for (let k = j; lo <= hi; k++) {
      const blockedFrom = k < busy.length ? busy[k].start - duration - after : Infinity;
      if (blockedFrom >= hi) {
        out.push({ start: lo, end: hi });
        break;
      }
      // The open range's ends are free: there the buffered meeting just touches the busy time.
      if (blockedFrom >= lo) out.push({ start: lo, end: blockedFrom });
      lo = Math.max(lo, busy[k].end + before);
    }
  }
  return out;
}

/** Starts free in both lists (collective: every host). */
function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (start <= end) out.push({ start, end });
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return out;
}

/** Starts free in any list (closed ranges: overlapping or touching ones join). */
function union(lists: Interval[][]): Interval[] {
  const out: Interval[] = [];
  for (const r of lists.flat().sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** Whether host h is free at t, asked at ascending t: a cursor per host that never moves back. */
function freeAt(ranges: Interval[][]) {
  const cursor = ranges.map(() => 0);
  return (h: number, t: number) => {
    const list = ranges[h];
    let i = cursor[h];
    while (i < list.length && list[i].end < t) i++;
    cursor[h] = i;
    return i < list.length && list[i].start <= t;
  };
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

  const free = q.hosts.map((h) => freeStarts(h, from, to, page));
  const ids = q.hosts.map((h) => h.userId);
  const slots: Slot[] = [];
  const slot = (start: number, hostIds: number[], seatsLeft?: number) =>
    slots.push(seatsLeft === undefined ? { start, end: start + duration, hostIds } : { start, end: start + duration, hostIds, seatsLeft });

  if (page.strategy === 'group') {
    // An occurrence is joined by seat, whether or not its host is free at its start.
    const occurrences = new Map((q.occurrences ?? []).map((o) => [o.start, o]));
    const points = [...occurrences.keys()].map((t) => ({ start: t, end: t }));
    const isFree = freeAt(free);
    eachCandidate(page, from, to, union([free[0], points]), (start) => {
      const occurrence = occurrences.get(start);
      if (occurrence) {
        if (occurrence.capacity > occurrence.attendeeCount) slot(start, [ids[0]], occurrence.capacity - occurrence.attendeeCount);
      } else if (isFree(0, start)) slot(start, [ids[0]], page.groupCapacity ?? 0);
    });
    return slots;
  }
  if (page.strategy === 'collective') {
    eachCandidate(page, from, to, free.reduce(intersect), (start) => slot(start, ids));
    return slots;
  }
  const isFree = freeAt(free);
  eachCandidate(page, from, to, union(free), (start) => {
    const hostIds = ids.filter((_, h) => isFree(h, start));
    // Round robin offers a time any host can take; an individual page, its one host's.
    if (page.strategy === 'round_robin' ? hostIds.length > 0 : hostIds.length === 1) slot(start, hostIds);
  });
  return slots;
}

/** The slot at exactly `start`, if the engine offers it. */
export function findSlot(q: Omit<SlotQuery, 'from' | 'to'>, start: number): Slot | undefined {
  return computeSlots({ ...q, from: start, to: start + 1 }).find((s) => s.start === start);
}

export type RotationState = { userId: number; weight: number; rotation: number | null };

/**
 * Round robin: among free hosts, the one assigned least recently (never assigned first),
 * ties broken by weight DESC then user id ASC.
 */
export function pickRoundRobinHost(freeHostIds: number[], state: RotationState[]): number | undefined {
  const free = new Set(freeHostIds);
  return state
    .filter((s) => free.has(s.userId))
    .sort((a, b) => (a.rotation ?? -1) - (b.rotation ?? -1) || b.weight - a.weight || a.userId - b.userId)[0]?.userId;
}
