/**
 * The engine on zone clocks (offsets read once per window, converted by arithmetic) offers exactly
 * what the TZDate-per-wall-time engine offered (slot-reference.ts): across DST days in a US and
 * an EU zone, half- and quarter-hour zones (St John's −3:30, Chatham +12:45), Adelaide's
 * +9:30/+10:30 and Lord Howe's 30-minute shift, for every strategy, with overrides, buffers and
 * busy time (now and then a block of days).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeSlots, workingIntervals, type HostAvailability, type PageRules } from '../../src/domain/slots';
import { wallBoundaryToUtc, zoneClock, zonedWallTimeToUtc } from '../../src/domain/time';
import * as reference from './slot-reference';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Windows around 2026's changes: US (Mar 8, Nov 1), EU (Mar 29, Oct 25), Adelaide and Lord Howe (Apr 5, Oct 4). */
const WINDOWS = [
  { from: '2026-03-05', days: 6 },
  { from: '2026-03-26', days: 6 },
  { from: '2026-04-02', days: 6 },
  { from: '2026-10-01', days: 6 },
  { from: '2026-10-22', days: 5 },
  { from: '2026-10-29', days: 5 },
  { from: '2026-06-10', days: 31 },
].map((w) => ({ from: Date.parse(`${w.from}T00:00:00Z`), to: Date.parse(`${w.from}T00:00:00Z`) + w.days * DAY }));
const ZONES = ['America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Adelaide', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'Asia/Tokyo', 'UTC'];

const ruleArb = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 47 }), fc.integer({ min: 1, max: 48 }))
  .map(([day, startQ, lenQ]) => ({ day, startMinute: startQ * 30, endMinute: Math.min(1440, startQ * 30 + lenQ * 30) }));

const hostArb = (id: number, window: { from: number }) =>
  fc.record({
    userId: fc.constant(id),
    weight: fc.constant(1),
    timezone: fc.constantFrom(...ZONES),
    weekly: fc.array(ruleArb, { minLength: 1, maxLength: 8 }),
    overrides: fc.array(
      fc.record({
        date: fc.integer({ min: 0, max: 8 }).map((d) => new Date(window.from + d * DAY).toISOString().slice(0, 10)),
        startMinute: fc.integer({ min: 0, max: 40 }).map((q) => q * 30),
        endMinute: fc.integer({ min: 41, max: 48 }).map((q) => q * 30),
        unavailable: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    // Mostly meetings of up to 3 hours, now and then a calendar block of one to three days.
    busy: fc.array(
      fc.tuple(fc.integer({ min: -96, max: 12 * 96 }), fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 96, max: 288 }) })).map(([q, len]) => ({
        start: window.from + q * 15 * MIN,
        end: window.from + (q + len) * 15 * MIN,
      })),
      { maxLength: 40 },
    ),
  }) as fc.Arbitrary<HostAvailability>;

const scenario = fc.constantFrom(...WINDOWS).chain((window) =>
  fc
    .record({
      strategy: fc.constantFrom('individual', 'round_robin', 'collective', 'group') as fc.Arbitrary<PageRules['strategy']>,
      timezone: fc.constantFrom(...ZONES),
      durationMinutes: fc.constantFrom(15, 30, 45, 60, 90),
      slotIntervalMinutes: fc.constantFrom(10, 15, 30, 60),
      minimumNoticeMinutes: fc.constantFrom(0, 60, 240),
      horizonDays: fc.constantFrom(3, 60),
      bufferBeforeMinutes: fc.constantFrom(0, 10, 15),
      bufferAfterMinutes: fc.constantFrom(0, 5, 30),
      groupCapacity: fc.constant(4),
    })
    .chain((page) =>
      fc.record({
        page: fc.constant(page as PageRules),
        hosts: fc.integer({ min: 1, max: page.strategy === 'individual' || page.strategy === 'group' ? 1 : 4 }).chain((n) =>
          fc.tuple(...Array.from({ length: n }, (_, i) => hostArb(i + 1, window))),
        ),
        occurrences: fc.array(
          fc.record({ start: fc.integer({ min: 0, max: 6 * 24 }).map((h) => window.from + h * HOUR), attendeeCount: fc.integer({ min: 1, max: 4 }), capacity: fc.constant(4) }),
          { maxLength: 4 },
        ),
        now: fc.integer({ min: -48, max: 72 }).map((h) => window.from + h * HOUR),
        window: fc.constant(window),
      }),
    ),
);

describe('slot engine on zone clocks', () => {
  it('offers exactly the slots (starts, hosts, seats) the TZDate engine offered', () => {
    fc.assert(
      fc.property(scenario, ({ page, hosts, occurrences, now, window }) => {
        const q = { page, hosts, occurrences: page.strategy === 'group' ? occurrences : undefined, from: window.from, to: window.to, now };
        expect(computeSlots(q)).toEqual(reference.computeSlots(q));
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('gives the same working time as the TZDate engine on every DST day of these zones', () => {
    const allDay = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, startMinute: 0, endMinute: 1440 }));
    const nights = [0, 1, 2, 3, 4, 5, 6].flatMap((day) => [
      { day, startMinute: 0, endMinute: 150 },
      { day, startMinute: 90, endMinute: 210 },
      { day, startMinute: 540, endMinute: 1020 },
    ]);
    for (const zone of ZONES) {
      for (const w of WINDOWS) {
        for (const weekly of [allDay, nights]) {
          const host = { timezone: zone, weekly, overrides: [] };
          expect(workingIntervals(host, w.from, w.to), `${zone} ${new Date(w.from).toISOString()}`).toEqual(reference.workingIntervals(host, w.from, w.to));
        }
      }
    }
  });

  it('converts midnights and working boundaries as TZDate does, with one Intl read per week', () => {
    const cases = [
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Europe/Berlin', '2026-03-29'],
      ['Europe/Berlin', '2026-10-25'],
      ['Asia/Kolkata', '2026-06-01'],
      ['Asia/Kathmandu', '2026-06-01'],
      ['Australia/Adelaide', '2026-04-05'],
      ['Australia/Adelaide', '2026-10-04'],
      ['Australia/Lord_Howe', '2026-10-04'],
    ] as const;
    for (const [zone, key] of cases) {
      const [year, month, day] = key.split('-').map(Number);
      const date = { year, month, day };
      const clock = zoneClock(zone, Date.UTC(year, month - 1, day) - 3 * DAY, Date.UTC(year, month - 1, day) + 3 * DAY);
      for (let minutes = 0; minutes <= 1440; minutes += 15) {
        const wall = Date.UTC(year, month - 1, day) + minutes * MIN;
        expect(clock.wallBoundary(wall), `${zone} ${key} ${minutes}`).toBe(wallBoundaryToUtc(date, minutes, zone));
        if (minutes === 0) expect(clock.wallToUtc(wall), `${zone} ${key} midnight`).toBe(zonedWallTimeToUtc(date, 0, zone));
      }
    }
    // Kolkata is +5:30 all year, Kathmandu +5:45; Adelaide is +10:30 in January, +9:30 in July.
    expect(zoneClock('Asia/Kolkata', Date.parse('2026-01-01'), Date.parse('2026-12-31')).offsets).toEqual([330 * MIN]);
    expect(zoneClock('Asia/Kathmandu', Date.parse('2026-01-01'), Date.parse('2026-02-01')).offsets).toEqual([345 * MIN]);
    const adelaide = zoneClock('Australia/Adelaide', Date.parse('2026-01-01'), Date.parse('2026-12-31'));
    expect(adelaide.offsets).toEqual([630 * MIN, 570 * MIN, 630 * MIN]);
    // 03:00 ACDT → 02:00 ACST on Apr 5 (16:30Z), 02:00 ACST → 03:00 ACDT on Oct 4 (16:30Z).
    expect(adelaide.starts.slice(1).map((t) => new Date(t).toISOString())).toEqual(['2026-04-04T16:30:00.000Z', '2026-10-03T16:30:00.000Z']);
  });
});
