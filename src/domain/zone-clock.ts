/**
 * Zone clocks for the slot engine: each zone's UTC offsets over a window, read from Intl once
 * (one formatter per zone, a probe per week and a short search per change), then every
 * conversion is arithmetic. Kept apart from time.ts so the slot engine's import graph holds no
 * date library: a fresh isolate compiles and runs only this.
 */
export type LocalDate = { year: number; month: number; day: number }; // month 1-12

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

export function localDateKey(d: LocalDate): string {
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
}

/** A local date as a wall-clock instant: its midnight read as if the zone were UTC. */
export const wallOfDate = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day);

/**
 * One zone's UTC offsets over a window: `starts[i]` is the instant offset `offsets[i]` (ms)
 * takes effect (the first is -Infinity; the last holds past the window). Wall times are ms as
 * if the zone were UTC (a local midnight is Date.UTC of its date), so each conversion is a
 * comparison and an addition, with no Intl call per day, slot or minute.
 */
export class ZoneClock {
  // Declared, not class fields: a field initializer is one more function for a cold isolate to compile.
  declare readonly starts: number[];
  declare readonly offsets: number[];

  constructor(starts: number[], offsets: number[]) {
    this.starts = starts;
    this.offsets = offsets;
  }

  offsetAt(instant: number): number {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i] > instant) i--;
    return this.offsets[i];
  }

  /** The wall clock at an instant. */
  wallAt(instant: number): number {
    const { starts } = this;
    let i = starts.length - 1;
    while (i > 0 && starts[i] > instant) i--;
    return instant + this.offsets[i];
  }

  /**
   * A wall time as an instant: a wall time the clocks show twice is its first occurrence; one
   * they skip resolves forward (read with the offset before the jump: 02:30 → 03:30).
   */
  wallToUtc(wall: number): number {
    const { starts, offsets } = this;
    for (let i = 0, n = starts.length; i < n; i++) {
      const t = wall - offsets[i];
      if (t < starts[i]) return wall - offsets[i - 1]; // skipped by the jump into segment i
      if (i + 1 === n || t < starts[i + 1]) return t;
    }
    return wall - offsets[offsets.length - 1];
  }

  /**
   * The local days that could touch [from, to): the wall clock at the first one's midnight, and
   * the instant each day starts, with one more for the last day's end. A day is 24 hours unless
   * a change falls in it.
   */
  days(from: number, to: number): { wall: number; starts: number[] } {
    const { starts, offsets } = this;
    const n = starts.length;
    let i = n - 1;
    while (i > 0 && starts[i] > from) i--;
    const first = Math.floor((from + offsets[i]) / DAY) * DAY - DAY;
    let j = n - 1;
    while (j > 0 && starts[j] > to) j--;
    const last = Math.floor((to + offsets[j]) / DAY) * DAY + 2 * DAY;
    // wallToUtc for consecutive midnights: the segment it settles in never moves back.
    const out: number[] = [];
    i = 0;
    for (let wall = first; wall <= last; wall += DAY) {
      let t = wall - offsets[i];
      while (i + 1 < n && t >= starts[i + 1]) t = wall - offsets[++i];
      out.push(t < starts[i] ? wall - offsets[i - 1] : t);
    }
    return { wall: first, starts: out };
  }

  /**
   * The first instant whose wall clock reads at or after `wall`: a working range's boundary
   * (inside a gap, the moment of the jump; in a repeated span, its first occurrence).
   */
  wallBoundary(wall: number): number {
    const { starts, offsets } = this;
    for (let i = 0; i < starts.length; i++) {
      const t = starts[i] > wall - offsets[i] ? starts[i] : wall - offsets[i];
      if (i + 1 === starts.length || t < starts[i + 1]) return t;
    }
    return wall - offsets[offsets.length - 1];
  }
}

/**
 * What this isolate has read of a zone: its formatter and, over [lo, hi] (on the week grid), the
 * offset at lo (offsets[0]) and each change after it (changes[i] takes offsets[i + 1]).
 */
type Zone = { format: Intl.DateTimeFormat; lo: number; hi: number; changes: number[]; offsets: number[] };

const zones = new Map<string, Zone>();
/** How far one zone's record may span before it starts over (a clock scans its changes linearly). */
const SPAN_LIMIT = 3 * 366 * DAY;

/** UTC has one offset: no formatter, no read. */
const UTC_CLOCK = new ZoneClock([-Infinity], [0]);

/** Offsets already parsed, by the formatter's text for them ("-05:00"). */
const parsed = new Map<string, number>();

/**
 * The offset (ms) at an instant, from the formatter's "…, GMT-05:00" (or "GMT+05:45",
 * "GMT-00:44:30" for a historical local mean time, "GMT" alone where ICU prints no zero offset).
 */
function offsetOf(format: Intl.DateTimeFormat, instant: number): number {
  const s = format.format(instant);
  const text = s.slice(s.lastIndexOf('GMT') + 3);
  let ms = parsed.get(text);
  if (ms === undefined) {
    ms = (+text.slice(1, 3) * 60 + +text.slice(4, 6)) * MINUTE + +text.slice(7, 9) * 1000;
    parsed.set(text, (ms = text[0] === '-' ? -ms : ms));
  }
  return ms;
}

/**
 * The changes in (lo, hi] (on the week grid) appended to `changes`/`offsets`, given the offsets
 * at both ends: a read per week between (no zone changes its offset twice within a week), and
 * where a week's two ends differ, a search for the instant: by hours (changes fall on a whole
 * hour of UTC in most zones: 8 reads and one to confirm), then by minutes within the hour
 * (half- and quarter-hour zones, such as Adelaide or St John's: 6 more).
 */
function scan(format: Intl.DateTimeFormat, lo: number, hi: number, first: number, last: number, changes: number[], offsets: number[]) {
  let offset = first;
  for (let week = lo; week < hi; week += WEEK) {
    const end = week + WEEK === hi ? last : offsetOf(format, week + WEEK);
    // A second change in the same week shows as a different offset again by its end.
    for (let a = week; offset !== end; ) {
      let b = week + WEEK;
      let after = end;
      for (let step = HOUR; step >= MINUTE; step = step === HOUR ? MINUTE : 0) {
        while (b - a > step) {
          const mid = a + Math.floor((b - a) / (2 * step)) * step;
          const o = offsetOf(format, mid);
          if (o === offset) a = mid;
          else (b = mid), (after = o);
        }
        if (step === HOUR && b - a > MINUTE) {
          const o = offsetOf(format, b - MINUTE);
          if (o === offset) break;
          (b -= MINUTE), (after = o);
        }
      }
      changes.push(b);
      offsets.push((offset = after));
      a = b;
    }
  }
}

/** A zone's record grown to cover [lo, hi]: the weeks before and after it read as a new record's are. */
function extend(z: Zone, lo: number, hi: number) {
  if (lo < z.lo) {
    const changes: number[] = [];
    const offsets = [offsetOf(z.format, lo)];
    scan(z.format, lo, z.lo, offsets[0], z.offsets[0], changes, offsets);
    z.changes = changes.concat(z.changes);
    z.offsets = offsets.concat(z.offsets.slice(1));
    z.lo = lo;
  }
  if (hi > z.hi) {
    scan(z.format, z.hi, hi, z.offsets[z.offsets.length - 1], offsetOf(z.format, hi), z.changes, z.offsets);
    z.hi = hi;
  }
}

/** A zone Intl does not know: NaN offsets, so it converts no wall time and offers nothing. */
const UNKNOWN_CLOCK = new ZoneClock([-Infinity], [NaN]);

/**
 * The zone's clock over at least [from, to]: one formatter per zone (its creation is most of a
 * cold isolate's Intl cost), a read per week of the window and 9 more per change (15 off the
 * whole hour), none for UTC, and nothing again for weeks this isolate has read.
 */
export function zoneClock(zone: string, from: number, to: number): ZoneClock {
  if (zone === 'UTC' || zone === 'Etc/UTC') return UTC_CLOCK;
  const lo = Math.floor(from / WEEK) * WEEK;
  const hi = Math.floor(to / WEEK) * WEEK + WEEK;
  let z = zones.get(zone);
  if (!z || hi - z.lo > SPAN_LIMIT || z.hi - lo > SPAN_LIMIT) {
    let format = z?.format;
    try {
      format ??= new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      return UNKNOWN_CLOCK;
    }
    const first = offsetOf(format, lo);
    zones.set(zone, (z = { format, lo, hi, changes: [], offsets: [first] }));
    scan(format, lo, hi, first, offsetOf(format, hi), z.changes, z.offsets);
  }
  if (lo < z.lo || hi > z.hi) extend(z, lo, hi);
  // The window's part of the record: the offset holding at lo, then the changes in (lo, hi].
  const { changes, offsets } = z;
  let i = 0;
  while (i < changes.length && changes[i] <= lo) i++;
  const starts = [-Infinity];
  const held = [offsets[i]];
  for (; i < changes.length && changes[i] <= hi; i++) {
    starts.push(changes[i]);
    held.push(offsets[i + 1]);
  }
  return new ZoneClock(starts, held);
}
