/**
 * A cold isolate pays for every Intl call (issue 17), and most for each formatter it creates:
 * the engine creates one per zone (none for UTC), reads each zone's offsets once per week of its
 * window plus a short search per change, never per day, slot or minute, and nothing again for a
 * window it has read. Counted on formatters created for zones no other test of this isolate has
 * used.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { computeSlots, type PageRules } from '../../src/domain/slots';

const DAY = 86_400_000;
const MIN = 60_000;
const RealFormat = Intl.DateTimeFormat;

/** Counts the calls on every formatter created from now on. */
function countIntl() {
  const counter = { formatters: 0, calls: 0 };
  const Counting = function (this: unknown, ...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
    counter.formatters++;
    const real = new RealFormat(...args);
    return new Proxy(real, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key === 'format' || key === 'formatToParts') return (d?: Date | number) => (counter.calls++, (value as (d?: Date | number) => string).call(target, d));
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  } as unknown as typeof Intl.DateTimeFormat;
  Intl.DateTimeFormat = Counting;
  return counter;
}
afterEach(() => {
  Intl.DateTimeFormat = RealFormat;
});

describe('slot computation cost in Intl calls', () => {
  it('31 days of a 3-host collective page across a DST change: a few dozen Intl calls, none the second time', () => {
    const counter = countIntl();
    // Zones used nowhere else in this file's isolate, so their formatters are created here.
    const zones = ['America/Halifax', 'Europe/Lisbon', 'Pacific/Chatham'];
    const from = Date.parse('2027-03-01T00:00:00Z');
    const weekly = [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 0, endMinute: 1440 }));
    const hosts = zones.map((timezone, i) => ({ userId: i + 1, weight: 1, timezone, weekly, overrides: [], busy: [{ start: from + 2 * DAY, end: from + 2 * DAY + 30 * MIN }] }));
    const page: PageRules = {
      strategy: 'collective',
      timezone: 'America/Halifax',
      durationMinutes: 30,
      slotIntervalMinutes: 15,
      minimumNoticeMinutes: 0,
      horizonDays: 365,
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 5,
      groupCapacity: null,
    };
    const q = { page, hosts, from, to: from + 31 * DAY, now: from - DAY };
    const slots = computeSlots(q);
    expect(slots.length).toBeGreaterThan(1000);
    // Per zone: one read per week (about 8) and a search per change (9 reads on a whole hour): Halifax and
    // Lisbon change in March, Chatham on April 4.
    expect(counter.formatters).toBe(3);
    expect(counter.calls).toBeLessThanOrEqual(55);
    const first = counter.calls;
    expect(computeSlots(q)).toEqual(slots);
    expect(counter.calls - first).toBe(0);
  });

  it('the bench’s page (5 hosts in 5 zones, 31 days across the US and UK changes): a formatter per zone, under 80 reads', () => {
    const counter = countIntl();
    const zones = ['America/Detroit', 'America/Winnipeg', 'America/Nassau', 'Europe/Dublin', 'America/Bahia'];
    const from = Date.parse('2027-03-01T00:00:00Z');
    const weekly = [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 8 * 60, endMinute: 18 * 60 }));
    const hosts = zones.map((timezone, i) => ({ userId: i + 1, weight: 1, timezone, weekly, overrides: [], busy: [] }));
    const page: PageRules = { strategy: 'collective', timezone: 'America/Detroit', durationMinutes: 30, slotIntervalMinutes: 15, minimumNoticeMinutes: 0, horizonDays: 365, bufferBeforeMinutes: 5, bufferAfterMinutes: 5, groupCapacity: null };
    expect(computeSlots({ page, hosts, from, to: from + 31 * DAY, now: from - DAY }).length).toBeGreaterThan(0);
    expect(counter.formatters).toBe(5);
    // About 8 reads per zone for its weeks and 9 per whole-hour change (four zones change in March).
    expect(counter.calls).toBeLessThan(80);
  });

  it('UTC needs no formatter and no read', () => {
    const counter = countIntl();
    const page: PageRules = { strategy: 'individual', timezone: 'UTC', durationMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, horizonDays: 365, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, groupCapacity: null };
    const host = { userId: 1, weight: 1, timezone: 'UTC', weekly: [{ day: 1, startMinute: 540, endMinute: 1020 }], overrides: [], busy: [] };
    const from = Date.parse('2027-03-01T00:00:00Z');
    expect(computeSlots({ page, hosts: [host], from, to: from + 7 * DAY, now: from - DAY }).map((s) => new Date(s.start).toISOString()).slice(0, 2)).toEqual(['2027-03-01T09:00:00.000Z', '2027-03-01T09:30:00.000Z']);
    expect(counter).toEqual({ formatters: 0, calls: 0 });
  });
});
