/**
 * Zone clocks (zone-clock.ts): each zone's offsets over a window, read with a probe per week and
 * a search per change, must hold exactly what the tz data says — checked against @date-fns/tz's
 * tzOffset, its own Intl reading — for DST changes inside the window, half- and 45-minute zones
 * and 30-minute shifts; the records grow left and right without losing a change; consecutive
 * local midnights (days) equal wallToUtc day by day, also where clocks change at midnight.
 */
import { describe, expect, it } from 'vitest';
import { tzOffset } from '@date-fns/tz';
import { computeSlots } from '../../src/domain/slots';
import { zoneClock } from '../../src/domain/zone-clock';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const oracle = (zone: string, t: number) => tzOffset(zone, new Date(t)) * MIN;

/** The clock agrees with the oracle every hour of [from, to], and each change is exact to the minute. */
function expectTrue(zone: string, from: number, to: number) {
  const clock = zoneClock(zone, from, to);
  for (let t = from; t <= to; t += HOUR) expect(clock.offsetAt(t), `${zone} ${new Date(t).toISOString()}`).toBe(oracle(zone, t));
  for (let i = 1; i < clock.starts.length; i++) {
    const change = clock.starts[i];
    expect(oracle(zone, change - MIN), `${zone} before ${new Date(change).toISOString()}`).toBe(clock.offsets[i - 1]);
    expect(oracle(zone, change), `${zone} at ${new Date(change).toISOString()}`).toBe(clock.offsets[i]);
  }
  return clock;
}

const changes = (zone: string, from: string, to: string) => {
  const clock = zoneClock(zone, at(from), at(to));
  return { offsets: clock.offsets.map((o) => o / MIN), at: clock.starts.slice(1).map((t) => new Date(t).toISOString()) };
};

describe('zone clocks', () => {
  it('find each change of 2026 to the minute, on whole, half and quarter hours of UTC', () => {
    expect(changes('America/New_York', '2026-01-01', '2026-12-31')).toEqual({ offsets: [-300, -240, -300], at: ['2026-03-08T07:00:00.000Z', '2026-11-01T06:00:00.000Z'] });
    expect(changes('Europe/London', '2026-01-01', '2026-12-31')).toEqual({ offsets: [0, 60, 0], at: ['2026-03-29T01:00:00.000Z', '2026-10-25T01:00:00.000Z'] });
    // St John's is −3:30 / −2:30 and changes at 02:00 local: 05:30Z and 04:30Z.
    expect(changes('America/St_Johns', '2026-01-01', '2026-12-31')).toEqual({ offsets: [-210, -150, -210], at: ['2026-03-08T05:30:00.000Z', '2026-11-01T04:30:00.000Z'] });
    // Adelaide +10:30 / +9:30 at 16:30Z; Lord Howe moves 30 minutes; Chatham is +13:45 / +12:45.
    expect(changes('Australia/Adelaide', '2026-01-01', '2026-12-31')).toEqual({ offsets: [630, 570, 630], at: ['2026-04-04T16:30:00.000Z', '2026-10-03T16:30:00.000Z'] });
    expect(changes('Australia/Lord_Howe', '2026-01-01', '2026-12-31')).toEqual({ offsets: [660, 630, 660], at: ['2026-04-04T15:00:00.000Z', '2026-10-03T15:30:00.000Z'] });
    expect(changes('Pacific/Chatham', '2026-01-01', '2026-12-31')).toEqual({ offsets: [825, 765, 825], at: ['2026-04-04T14:00:00.000Z', '2026-09-26T14:00:00.000Z'] });
    // No change all year: Kolkata +5:30, Kathmandu +5:45; UTC has one offset.
    expect(changes('Asia/Kolkata', '2026-01-01', '2026-12-31')).toEqual({ offsets: [330], at: [] });
    expect(changes('Asia/Kathmandu', '2026-01-01', '2026-12-31')).toEqual({ offsets: [345], at: [] });
    expect(changes('UTC', '2026-01-01', '2026-12-31')).toEqual({ offsets: [0], at: [] });
  });

  it('agree with the tz data around every change inside a month-long window', () => {
    const windows: [string, string, string][] = [
      ['America/Chicago', '2027-02-26', '2027-04-05'],
      ['America/Sao_Paulo', '2027-02-26', '2027-04-05'],
      ['Europe/Berlin', '2026-10-10', '2026-11-10'],
      ['America/St_Johns', '2026-10-15', '2026-11-15'],
      ['Australia/Adelaide', '2026-09-20', '2026-10-20'],
      ['Pacific/Chatham', '2026-03-20', '2026-04-20'],
      ['Asia/Kathmandu', '2026-03-01', '2026-04-01'],
      ['Africa/Casablanca', '2026-01-20', '2026-04-20'],
      ['America/Havana', '2026-02-25', '2026-03-25'],
      ['America/Santiago', '2026-03-25', '2026-04-25'],
    ];
    for (const [zone, from, to] of windows) expectTrue(zone, at(from), at(to));
  });

  it('grow a record left and right and keep every change (a year read in pieces, out of order)', () => {
    const zone = 'America/Halifax';
    zoneClock(zone, at('2026-06-01'), at('2026-07-01'));
    zoneClock(zone, at('2026-10-20'), at('2026-11-20'));
    zoneClock(zone, at('2026-02-20'), at('2026-03-20'));
    const year = expectTrue(zone, at('2026-01-01'), at('2026-12-31'));
    expect(year.starts.slice(1).map((t) => new Date(t).toISOString())).toEqual(['2026-03-08T06:00:00.000Z', '2026-11-01T05:00:00.000Z']);
    // A window inside the record holds only its own changes.
    expect(zoneClock(zone, at('2026-06-01'), at('2026-07-01')).offsets).toEqual([-180 * MIN]);
    // Far from the record (past its span limit) it starts over, still true.
    expectTrue(zone, at('2031-03-01'), at('2031-04-01'));
    expectTrue(zone, at('2026-10-25'), at('2026-11-05'));
  });

  it('give consecutive local midnights as wallToUtc does, across changes at 02:00 and at midnight', () => {
    const cases: [string, string][] = [
      ['America/New_York', '2026-03-01'],
      ['America/New_York', '2026-10-25'],
      ['America/Havana', '2026-03-01'], // 00:00 → 01:00: that day starts at 01:00
      ['America/Havana', '2026-10-25'], // 01:00 → 00:00: midnight comes twice, the first counts
      ['America/Santiago', '2026-04-01'], // 24:00 → 23:00
      ['America/Santiago', '2026-09-01'], // 24:00 → 01:00: no midnight that day
      ['Asia/Beirut', '2026-03-24'],
      ['Australia/Lord_Howe', '2026-09-28'],
      ['Asia/Kolkata', '2026-06-01'],
      ['UTC', '2026-06-01'],
    ];
    for (const [zone, day] of cases) {
      const from = at(`${day}T00:00:00Z`);
      const to = from + 14 * DAY;
      const clock = zoneClock(zone, from - 3 * DAY, to + 3 * DAY);
      const { wall, starts } = clock.days(from, to);
      expect(starts.length).toBeGreaterThanOrEqual(16);
      expect(starts, `${zone} ${day}`).toEqual(starts.map((_, d) => clock.wallToUtc(wall + d * DAY)));
      // The first day is the one before `from`'s local date; the last ends after `to`'s.
      expect(starts[1]).toBeLessThanOrEqual(from);
      expect(starts[starts.length - 2]).toBeGreaterThan(to - DAY - 2 * HOUR);
    }
  });

  it('a zone Intl does not know gives no working time and no slots, not an error', () => {
    const from = at('2026-06-01T00:00:00Z');
    const host = { userId: 1, weight: 1, timezone: 'Mars/Olympus', weekly: [{ day: 1, startMinute: 540, endMinute: 1020 }], overrides: [], busy: [] };
    const page = { strategy: 'individual' as const, timezone: 'Europe/Paris', durationMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, horizonDays: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, groupCapacity: null };
    expect(computeSlots({ page, hosts: [host], from, to: from + 7 * DAY, now: from - DAY })).toEqual([]);
    expect(computeSlots({ page: { ...page, timezone: 'Mars/Olympus' }, hosts: [{ ...host, timezone: 'Europe/Paris' }], from, to: from + 7 * DAY, now: from - DAY })).toEqual([]);
  });
});
