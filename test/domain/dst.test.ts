/**
 * DST days (SPEC 15): a day's candidate starts step through real time from the local day's
 * start, so a fall-back day offers its repeated hour twice, and working time follows the wall
 * clock of the host's own zone across both transitions. Expectations are read back through
 * TZDate, independently of the engine.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TZDate } from '@date-fns/tz';
import { computeSlots, workingIntervals, type PageRules, type WeeklyRule } from '../../src/domain/slots';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** 2026's transitions, with the wall minutes a fall-back repeats. */
const DAYS = [
  { zone: 'America/New_York', date: '2026-11-01', kind: 'fall', repeated: [60, 120] },
  { zone: 'Europe/Berlin', date: '2026-10-25', kind: 'fall', repeated: [120, 180] },
  { zone: 'Australia/Lord_Howe', date: '2026-04-05', kind: 'fall', repeated: [90, 120] },
  { zone: 'America/New_York', date: '2026-03-08', kind: 'spring', repeated: null },
  { zone: 'Europe/Berlin', date: '2026-03-29', kind: 'spring', repeated: null },
  { zone: 'Australia/Lord_Howe', date: '2026-10-04', kind: 'spring', repeated: null },
] as const;

const page = (zone: string, over: Partial<PageRules> = {}): PageRules => ({
  strategy: 'individual',
  timezone: zone,
  durationMinutes: 30,
  slotIntervalMinutes: 30,
  minimumNoticeMinutes: 0,
  horizonDays: 365,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  groupCapacity: null,
  ...over,
});
const allDay = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, startMinute: 0, endMinute: 1440 }));
const host = (zone: string, weekly: WeeklyRule[] = allDay) => ({ userId: 1, weight: 1, timezone: zone, weekly, overrides: [], busy: [] });

/** The first instant of a local date, and of the next one. */
function localDay(date: string, zone: string) {
  const [y, m, d] = date.split('-').map(Number);
  return { start: new TZDate(y, m - 1, d, 0, 0, zone).getTime(), end: new TZDate(y, m - 1, d + 1, 0, 0, zone).getTime() };
}
const utc = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const wall = (ms: number, zone: string) => {
  const t = new TZDate(ms, zone);
  return { weekday: t.getDay(), minute: t.getHours() * 60 + t.getMinutes() };
};

describe('DST: candidate starts step through real time', () => {
  it('a New York fall-back day offers 01:00 and 01:30 twice (EDT, then EST): 50 half-hour slots', () => {
    const { start, end } = localDay('2026-11-01', 'America/New_York');
    expect(end - start).toBe(25 * HOUR);
    const slots = computeSlots({ page: page('America/New_York'), hosts: [host('America/New_York')], from: start, to: end, now: start - DAY });
    expect(slots.length).toBe(50);
    expect(slots.map((s) => utc(s.start)).slice(0, 7)).toEqual(['04:00', '04:30', '05:00', '05:30', '06:00', '06:30', '07:00']);
    expect(slots.filter((s) => wall(s.start, 'America/New_York').minute === 60).length).toBe(2);
  });

  it('Berlin repeats 02:00–03:00 and Lord Howe 01:30–02:00 (a 30-minute shift)', () => {
    const berlin = localDay('2026-10-25', 'Europe/Berlin');
    const b = computeSlots({ page: page('Europe/Berlin'), hosts: [host('Europe/Berlin')], from: berlin.start, to: berlin.end, now: berlin.start - DAY });
    expect(b.length).toBe(50);
    expect(b.filter((s) => wall(s.start, 'Europe/Berlin').minute === 150).map((s) => utc(s.start))).toEqual(['00:30', '01:30']);
    const lh = localDay('2026-04-05', 'Australia/Lord_Howe');
    const l = computeSlots({ page: page('Australia/Lord_Howe'), hosts: [host('Australia/Lord_Howe')], from: lh.start, to: lh.end, now: lh.start - DAY });
    expect(lh.end - lh.start).toBe(24.5 * HOUR);
    expect(l.length).toBe(49);
    expect(l.filter((s) => wall(s.start, 'Australia/Lord_Howe').minute === 90).map((s) => utc(s.start))).toEqual(['14:30', '15:00']);
  });

  it('a Tokyo host on a New York page gets the repeated hour, which is their afternoon', () => {
    // Sunday 12:00–18:00 in Tokyo is 03:00–09:00 UTC, across New York's 01:00–02:00 twice.
    const tokyo = host('Asia/Tokyo', [{ day: 0, startMinute: 720, endMinute: 1080 }]);
    const slots = computeSlots({ page: page('America/New_York'), hosts: [tokyo], from: Date.parse('2026-10-31T00:00:00Z'), to: Date.parse('2026-11-03T00:00:00Z'), now: Date.parse('2026-10-30T00:00:00Z') });
    expect(slots.map((s) => utc(s.start))).toEqual(['03:00', '03:30', '04:00', '04:30', '05:00', '05:30', '06:00', '06:30', '07:00', '07:30', '08:00', '08:30']);
  });

  it('spring-forward days skip the missing hour and keep the rest of the day', () => {
    for (const d of DAYS.filter((x) => x.kind === 'spring')) {
      const { start, end } = localDay(d.date, d.zone);
      const slots = computeSlots({ page: page(d.zone), hosts: [host(d.zone)], from: start, to: end, now: start - DAY });
      expect(slots.length, d.zone).toBe((end - start) / (30 * MIN));
      expect(new Set(slots.map((s) => s.start)).size).toBe(slots.length);
    }
  });
});

describe('DST: working intervals follow the host’s wall clock across both transitions', () => {
  const span = (zone: string, date: string, startMinute: number, endMinute: number) => {
    const day = new Date(`${date}T12:00:00Z`).getUTCDay();
    const { start } = localDay(date, zone);
    return workingIntervals(host(zone, [{ day, startMinute, endMinute }]), start - DAY, start + 2 * DAY).map((i) => (i.end - i.start) / MIN);
  };

  it('00:00–04:00 lasts 5 h on a fall-back night and 3 h on a spring-forward one', () => {
    expect(span('America/New_York', '2026-11-01', 0, 240)).toEqual([300]);
    expect(span('America/New_York', '2026-03-08', 0, 240)).toEqual([180]);
    expect(span('Europe/Berlin', '2026-10-25', 0, 240)).toEqual([300]);
    expect(span('Europe/Berlin', '2026-03-29', 0, 240)).toEqual([180]);
    expect(span('Australia/Lord_Howe', '2026-04-05', 0, 240)).toEqual([270]);
    expect(span('Australia/Lord_Howe', '2026-10-04', 0, 240)).toEqual([210]);
  });

  it('a range inside a spring-forward gap ends at the jump; 09:00–17:00 stays 8 h', () => {
    expect(span('America/New_York', '2026-03-08', 90, 150)).toEqual([30]);
    expect(span('Australia/Lord_Howe', '2026-10-04', 90, 150)).toEqual([30]);
    for (const d of DAYS) expect(span(d.zone, d.date, 540, 1020), d.zone).toEqual([480]);
  });
});

// Working ranges on half hours, on the transition's weekday and the days around it.
const ruleArb = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 46 }), fc.integer({ min: 1, max: 48 }))
  .map(([day, startQ, lenQ]) => ({ day, startMinute: startQ * 30, endMinute: Math.min(1440, startQ * 30 + lenQ * 30) }));

describe('DST properties', () => {
  it('on every transition day, each real instant of the grid whose meeting lies in working time is offered, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DAYS),
        fc.constantFrom('same', 'Asia/Tokyo'),
        fc.constantFrom(15, 30, 45, 60),
        fc.constantFrom(15, 30, 60, 90),
        fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
        (d, hostZone, step, duration, rules) => {
          const zone = hostZone === 'same' ? d.zone : hostZone;
          // A range ending inside a repeated hour is cut at its first occurrence (time.ts): keep
          // such ranges out of the wall-clock oracle below.
          const repeated = zone === d.zone ? d.repeated : null;
          const weekly = rules.filter((r) => !repeated || ![r.startMinute, r.endMinute].some((m) => m > repeated[0] && m < repeated[1]));
          const { start, end } = localDay(d.date, d.zone);
          const slots = computeSlots({ page: page(d.zone, { slotIntervalMinutes: step, durationMinutes: duration }), hosts: [host(zone, weekly)], from: start, to: end, now: start - DAY });
          const expected: number[] = [];
          for (let t = start; t < end; t += step * MIN) {
            let working = true;
            for (let u = t; u < t + duration * MIN && working; u += 5 * MIN) {
              const w = wall(u, zone);
              working = weekly.some((r) => r.day === w.weekday && r.startMinute <= w.minute && w.minute < r.endMinute);
            }
            if (working) expected.push(t);
          }
          expect(slots.map((s) => s.start)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});
