/**
 * Working time and candidate starts for the slot engine, day by day in a zone's local calendar
 * (zone-clock.ts). Like slots.ts, written for a fresh isolate's interpreter: indexed loops, few
 * functions.
 */
import { zoneClock } from './zone-clock';
import type { DateOverride, HostAvailability, Interval, PageRules } from './slots';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Overlapping or touching intervals joined (sorted first if they are not). */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  let list = intervals;
  for (let i = 1; i < list.length; i++) {
    if (list[i].start < list[i - 1].start) {
      list = [...intervals].sort((a, b) => a.start - b.start);
      break;
    }
  }
  const out: Interval[] = [];
  let last: Interval | undefined;
  for (let k = 0; k < list.length; k++) {
    const i = list[k];
    if (last && i.start <= last.end) {
      if (i.end > last.end) last.end = i.end;
    } else out.push((last = { start: i.start, end: i.end }));
  }
  return out;
}

type Range = { startMinute: number; endMinute: number };

/** A date's override rows as its working ranges: any day-off row empties the date. */
function overrideRanges(dated: DateOverride[]): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < dated.length; i++) {
    const o = dated[i];
    if (o.unavailable) return [];
    if (o.startMinute !== null && o.endMinute !== null) out.push({ startMinute: o.startMinute, endMinute: o.endMinute });
  }
  return out;
}

/**
 * A host's working time in UTC over [from, to): weekly hours, replaced per date by overrides.
 * Day by day in the host's zone; on a plain 24-hour day a wall time is the day's start plus its
 * minutes, and only a day with a DST change needs the clock's boundary rule.
 */
export function workingIntervals(host: Pick<HostAvailability, 'timezone' | 'weekly' | 'overrides'>, from: number, to: number): Interval[] {
  const weekly: Range[][] = [[], [], [], [], [], [], []];
  for (let i = 0; i < host.weekly.length; i++) weekly[host.weekly[i].day]?.push(host.weekly[i]);
  // A date may carry several override rows (its own ranges).
  let overrides: Map<string, DateOverride[]> | null = null;
  for (let i = 0; i < host.overrides.length; i++) {
    const o = host.overrides[i];
    const dated = (overrides ??= new Map()).get(o.date);
    if (dated) dated.push(o);
    else overrides.set(o.date, [o]);
  }
  const clock = zoneClock(host.timezone, from - 3 * DAY, to + 3 * DAY);
  const { wall: first, starts } = clock.days(from, to);
  const weekday = new Date(first).getUTCDay();
  const out: Interval[] = [];
  let disjoint = true;
  for (let d = 0, days = starts.length - 1; d < days; d++) {
    const wall = first + d * DAY;
    const start = starts[d];
    const plain = starts[d + 1] - start === DAY;
    const dated = overrides?.get(new Date(wall).toISOString().slice(0, 10));
    const ranges = dated ? overrideRanges(dated) : weekly[(weekday + d) % 7];
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i];
      const s = plain ? start + r.startMinute * MINUTE : clock.wallBoundary(wall + r.startMinute * MINUTE);
      const e = plain ? start + r.endMinute * MINUTE : clock.wallBoundary(wall + r.endMinute * MINUTE);
      if (e > s && e > from && s < to) {
        // Ranges of one day may overlap or come in any order: join them only then.
        if (out.length > 0 && s <= out[out.length - 1].end) disjoint = false;
        out.push({ start: s, end: e });
      }
    }
  }
  return disjoint ? out : mergeIntervals(out);
}

/**
 * Candidate starts: every slot interval of real time from the local day's start in the page's
 * zone, to the next day's start. A fall-back day (25 h) offers its repeated hour twice, each a
 * distinct instant; a spring-forward day (23 h) simply has fewer. With `within` (closed ranges of
 * starts, sorted), only the candidates inside them.
 */
export function candidates(page: Pick<PageRules, 'timezone' | 'slotIntervalMinutes'>, from: number, to: number, within: Interval[] | null): number[] {
  const step = page.slotIntervalMinutes * MINUTE;
  const { starts } = zoneClock(page.timezone, from - 3 * DAY, to + 3 * DAY).days(from, to);
  const out: number[] = [];
  let k = 0;
  // Consecutive local days, so the starts come out sorted and distinct.
  const n = within ? within.length : 0;
  for (let d = 0, days = starts.length - 1; d < days; d++) {
    const start = starts[d];
    const stop = starts[d + 1] < to ? starts[d + 1] : to;
    if (start >= stop) continue;
    let t = from > start ? start + Math.ceil((from - start) / step) * step : start;
    if (!within) {
      for (; t < stop; t += step) out.push(t);
      continue;
    }
    while (k < n && within[k].end < t) k++;
    for (let j = k; j < n && within[j].start < stop; j++) {
      const r = within[j];
      if (r.start > t) t = start + Math.ceil((r.start - start) / step) * step;
      for (; t <= r.end && t < stop; t += step) out.push(t);
    }
  }
  return out;
}

export const candidateStarts = (page: Pick<PageRules, 'timezone' | 'slotIntervalMinutes'>, from: number, to: number) => candidates(page, from, to, null);

