/**
 * The slot engine: pure functions from availability, bookings and page rules to bookable
 * slots. All instants are epoch ms (UTC); wall-clock rules are converted per host timezone.
 */
import { candidates, mergeIntervals, workingIntervals } from './working-time';

export { candidateStarts, workingIntervals } from './working-time';

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

/*
 * Written for a fresh isolate (issue 17), where this runs in V8's interpreter on its first call
 * and every function it calls is compiled then: few functions, indexed loops (a for…of
 * allocates an iterator result per step there), no callback per interval, and each busy
 * interval read once.
 */

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
 * One sweep over working and busy time together: linear in the host's bookings.
 */
function freeStarts(host: HostAvailability, from: number, to: number, page: PageRules): Interval[] {
  const duration = page.durationMinutes * MINUTE;
  const before = page.bufferBeforeMinutes * MINUTE;
  const reach = duration + page.bufferAfterMinutes * MINUTE;
  const lo = from - reach - before - DAY;
  const hi = to + reach + before + DAY;
  const working = workingIntervals(host, lo, hi);
  const free = sweep(working, host.busy, lo, hi, duration, reach, before);
  return free ?? sweep(working, [...host.busy].sort((a, b) => a.start - b.start), lo, hi, duration, reach, before)!;
}

/**
 * freeStarts' sweep over busy time sorted by start (null if it is not: the database gives it
 * sorted, so the order is checked on the way rather than sorted). Busy intervals reaching into
 * (lo, hi) need no joining first: where they overlap, the later one's range only pushes the next
 * free start on, and each is read once.
 */
function sweep(working: Interval[], busy: Interval[], lo: number, hi: number, duration: number, reach: number, before: number): Interval[] | null {
  const out: Interval[] = [];
  const n = busy.length;
  let k = 0;
  let previous = -Infinity;
  let s = -Infinity;
  for (let w = 0; w < working.length; w++) {
    // A busy interval already read may still block the start of this working range.
    if (working[w].start > s) s = working[w].start;
    const e = working[w].end - duration;
    for (; s <= e; k++) {
      if (k === n) {
        out.push({ start: s, end: e });
        break;
      }
      const { start, end } = busy[k];
      if (start < previous) return null;
      previous = start;
      if (end <= lo || start >= hi) continue;
      const blockedFrom = start - reach;
      if (blockedFrom >= e) {
        out.push({ start: s, end: e });
        break;
      }
      // The open range's ends are free: there the buffered meeting just touches the busy time.
      if (blockedFrom >= s) out.push({ start: s, end: blockedFrom });
      const freeFrom = end + before;
      if (freeFrom > s) s = freeFrom;
    }
  }
  // The busy time past the last working range is unread: it must be in order too.
  for (; k < n; k++) {
    if (busy[k].start < previous) return null;
    previous = busy[k].start;
  }
  return out;
}

/** Starts free in both lists (collective: every host). */
function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (let i = 0, j = 0, m = a.length, n = b.length; i < m && j < n; ) {
    const { start: xStart, end: xEnd } = a[i];
    const { start: yStart, end: yEnd } = b[j];
    const start = xStart > yStart ? xStart : yStart;
    const end = xEnd < yEnd ? xEnd : yEnd;
    if (start <= end) out.push({ start, end });
    if (xEnd < yEnd) i++;
    else j++;
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
  const { page, hosts } = q;
  const earliest = q.now + page.minimumNoticeMinutes * MINUTE;
  const latest = q.now + page.horizonDays * DAY;
  const from = q.from > earliest ? q.from : earliest;
  const to = q.to < latest + 1 ? q.to : latest + 1;
  if (from >= to || hosts.length === 0) return [];
  const free: Interval[][] = [];
  for (let h = 0; h < hosts.length; h++) free.push(freeStarts(hosts[h], from, to, page));
  if (page.strategy === 'collective') {
    let within = free[0];
    for (let h = 1; h < free.length; h++) within = intersect(within, free[h]);
    const hostIds: number[] = [];
    for (let h = 0; h < hosts.length; h++) hostIds.push(hosts[h].userId);
    const starts = candidates(page, from, to, within);
    const duration = page.durationMinutes * MINUTE;
    const slots: Slot[] = [];
    for (let i = 0; i < starts.length; i++) slots.push({ start: starts[i], end: starts[i] + duration, hostIds });
    return slots;
  }
  return page.strategy === 'group' ? groupSlots(q, free, from, to) : eachHostSlots(q, free, from, to);
}

/** A group page: an occurrence is joined by seat, whether or not its host is free at its start. */
function groupSlots({ page, hosts, occurrences = [] }: SlotQuery, free: Interval[][], from: number, to: number): Slot[] {
  const duration = page.durationMinutes * MINUTE;
  const byStart = new Map(occurrences.map((o) => [o.start, o]));
  const points = [...byStart.keys()].map((t) => ({ start: t, end: t }));
  const isFree = freeAt(free);
  const host = hosts[0].userId;
  const slots: Slot[] = [];
  for (const start of candidates(page, from, to, mergeIntervals([...free[0], ...points]))) {
    const occurrence = byStart.get(start);
    if (occurrence) {
      const seatsLeft = occurrence.capacity - occurrence.attendeeCount;
      if (seatsLeft > 0) slots.push({ start, end: start + duration, hostIds: [host], seatsLeft });
    } else if (isFree(0, start)) slots.push({ start, end: start + duration, hostIds: [host], seatsLeft: page.groupCapacity ?? 0 });
  }
  return slots;
}

/** Round robin offers a time any host can take; an individual page, its one host's. */
function eachHostSlots({ page, hosts }: SlotQuery, free: Interval[][], from: number, to: number): Slot[] {
  const duration = page.durationMinutes * MINUTE;
  const isFree = freeAt(free);
  const slots: Slot[] = [];
  for (const start of candidates(page, from, to, mergeIntervals(free.flat()))) {
    const hostIds = hosts.filter((_, h) => isFree(h, start)).map((h) => h.userId);
    if (page.strategy === 'round_robin' ? hostIds.length > 0 : hostIds.length === 1) slots.push({ start, end: start + duration, hostIds });
  }
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
