import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TZDate } from '@date-fns/tz';
import { bufferedInterval, computeSlots, pickRoundRobinHost, type HostAvailability, type PageRules } from '../../src/domain/slots';
import { zonedWallTimeToUtc } from '../../src/domain/time';

const ZONES = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC'];
const MIN = 60_000;
const DAY = 86_400_000;

/** Wall clock of an instant in a zone, read back independently of the engine. */
function wall(ms: number, zone: string) {
  const t = new TZDate(ms, zone);
  return { weekday: t.getDay(), minute: t.getHours() * 60 + t.getMinutes(), date: `${t.getFullYear()}-${t.getMonth() + 1}-${t.getDate()}` };
}

const ruleArb = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 40 }))
  .map(([day, startQ, lenQ]) => ({ day, startMinute: startQ * 30, endMinute: Math.min(1440, startQ * 30 + lenQ * 30) }));

const hostArb = (id: number) =>
  fc.record({
    userId: fc.constant(id),
    weight: fc.integer({ min: 1, max: 5 }),
    timezone: fc.constantFrom(...ZONES),
    weekly: fc.array(ruleArb, { minLength: 1, maxLength: 8 }),
    overrides: fc.constant([]),
    busy: fc.array(
      fc.tuple(fc.integer({ min: 0, max: 20 * 96 }), fc.integer({ min: 1, max: 8 })).map(([q, len]) => ({
        start: Date.parse('2026-03-01T00:00:00Z') + q * 15 * MIN,
        end: Date.parse('2026-03-01T00:00:00Z') + (q + len) * 15 * MIN,
      })),
      { maxLength: 30 },
    ),
  }) as fc.Arbitrary<HostAvailability>;

const pageArb = fc.record({
  strategy: fc.constantFrom('individual', 'round_robin', 'collective') as fc.Arbitrary<PageRules['strategy']>,
  timezone: fc.constantFrom(...ZONES),
  durationMinutes: fc.constantFrom(15, 30, 45, 60, 90),
  slotIntervalMinutes: fc.constantFrom(15, 30, 60),
  minimumNoticeMinutes: fc.constantFrom(0, 60, 240),
  horizonDays: fc.integer({ min: 1, max: 30 }),
  bufferBeforeMinutes: fc.constantFrom(0, 10, 15),
  bufferAfterMinutes: fc.constantFrom(0, 5, 30),
  groupCapacity: fc.constant(null),
});

// Covers both 2026 DST changes in the US (Mar 8) and Europe (Mar 29), and Lord Howe's (Apr 5).
const FROM = Date.parse('2026-03-01T00:00:00Z');
const TO = Date.parse('2026-04-10T00:00:00Z');

const scenario = fc
  .tuple(pageArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 20 * 24 }))
  .chain(([page, hostCount, nowHours]) =>
    fc.tuple(
      fc.constant(page.strategy === 'individual' ? { ...page } : page),
      fc.tuple(...Array.from({ length: page.strategy === 'individual' ? 1 : hostCount }, (_, i) => hostArb(i + 1))),
      fc.constant(FROM + nowHours * 3_600_000),
    ),
  );

describe('slot engine properties', () => {
  it('never offers a slot outside the free hosts’ working hours, inside notice, or past the horizon', () => {
    fc.assert(
      fc.property(scenario, ([page, hosts, now]) => {
        const slots = computeSlots({ page, hosts, from: FROM, to: TO, now });
        for (const slot of slots) {
          expect(slot.end - slot.start).toBe(page.durationMinutes * MIN);
          expect(slot.start).toBeGreaterThanOrEqual(now + page.minimumNoticeMinutes * MIN);
          expect(slot.start).toBeLessThanOrEqual(now + page.horizonDays * DAY);
          for (const id of slot.hostIds) {
            const host = hosts.find((h) => h.userId === id)!;
            const s = wall(slot.start, host.timezone);
            const e = wall(slot.end - 1, host.timezone);
            // Inside one working range of that local day (ranges of a day may be merged).
            const sameDay = s.date === e.date;
            const covered = host.weekly.some((r) => r.day === s.weekday && r.startMinute <= s.minute && (sameDay ? e.minute < r.endMinute : r.endMinute === 1440));
            const mergedCover =
              covered ||
              // Adjacent or overlapping ranges merge: check minute by minute at 15-minute steps.
              Array.from({ length: (slot.end - slot.start) / (15 * MIN) }, (_, k) => wall(slot.start + k * 15 * MIN, host.timezone)).every((w) =>
                host.weekly.some((r) => r.day === w.weekday && r.startMinute <= w.minute && w.minute < r.endMinute),
              );
            expect(mergedCover).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('never offers a slot whose buffers overlap a busy interval of a host it counts as free', () => {
    fc.assert(
      fc.property(scenario, ([page, hosts, now]) => {
        for (const slot of computeSlots({ page, hosts, from: FROM, to: TO, now })) {
          const guardStart = slot.start - page.bufferBeforeMinutes * MIN;
          const guardEnd = slot.end + page.bufferAfterMinutes * MIN;
          for (const id of slot.hostIds) {
            for (const b of hosts.find((h) => h.userId === id)!.busy) {
              expect(b.start < guardEnd && b.end > guardStart).toBe(false);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it('collective needs every host free; round robin at least one', () => {
    fc.assert(
      fc.property(scenario, ([page, hosts, now]) => {
        for (const slot of computeSlots({ page, hosts, from: FROM, to: TO, now })) {
          if (page.strategy === 'collective') expect(slot.hostIds.length).toBe(hosts.length);
          else expect(slot.hostIds.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('round-trips wall-clock times through DST zones and odd offsets', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 95 }),
        (zone, date, quarter) => {
          const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
          const minute = quarter * 15;
          const utc = zonedWallTimeToUtc(local, minute, zone);
          const back = new TZDate(utc, zone);
          const inGap = back.getHours() * 60 + back.getMinutes() !== minute;
          if (!inGap) {
            expect([back.getFullYear(), back.getMonth() + 1, back.getDate()]).toEqual([local.year, local.month, local.day]);
          } else {
            // Only a DST gap may move a wall time, and only by the size of the jump (≤ 1h).
            expect(Math.abs(back.getHours() * 60 + back.getMinutes() - minute)).toBeLessThanOrEqual(60);
          }
        },
      ),
      { numRuns: 500 },
    );
  }, 60_000);
});

/** A confirmed booking with its own page's buffers; the host's busy time is its buffered interval (its claim). */
const bookingArb = fc
  .record({ q: fc.integer({ min: 0, max: 4 * 96 }), duration: fc.constantFrom(15, 30, 45, 60), before: fc.constantFrom(0, 5, 10, 15, 30), after: fc.constantFrom(0, 5, 15, 30) })
  .map(({ q, duration, before, after }) => {
    const start = Date.parse('2026-06-01T00:00:00Z') + q * 15 * MIN;
    return { start, end: start + duration * MIN, bufferBeforeMinutes: before, bufferAfterMinutes: after };
  });
type Booked = { start: number; end: number; bufferBeforeMinutes: number; bufferAfterMinutes: number };
const claimOf = (b: Booked) => bufferedInterval(b.start, b.end, b);
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
const allDay = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, startMinute: 0, endMinute: 1440 }));
const openHost = (busy: Booked[]): HostAvailability => ({ userId: 1, weight: 1, timezone: 'UTC', weekly: allDay, overrides: [], busy: busy.map(claimOf) });
/** The page a booking was made on: its duration and buffers, 15-minute steps. */
const pageOf = (b: Booked): PageRules => ({
  strategy: 'individual',
  timezone: 'UTC',
  durationMinutes: (b.end - b.start) / MIN,
  slotIntervalMinutes: 15,
  minimumNoticeMinutes: 0,
  horizonDays: 365,
  bufferBeforeMinutes: b.bufferBeforeMinutes,
  bufferAfterMinutes: b.bufferAfterMinutes,
  groupCapacity: null,
});
const offeredWith = (candidate: Booked, existing: Booked[]) =>
  computeSlots({ page: pageOf(candidate), hosts: [openHost(existing)], from: candidate.start, to: candidate.start + 1, now: Date.parse('2026-05-01T00:00:00Z') }).length === 1;

describe('buffers (SPEC 15)', () => {
  it('are symmetric: A can join B exactly when B can join A, exactly when their buffered intervals do not overlap', () => {
    fc.assert(
      fc.property(bookingArb, bookingArb, (a, b) => {
        const free = !overlaps(claimOf(a), claimOf(b));
        expect(offeredWith(a, [b])).toBe(free);
        expect(offeredWith(b, [a])).toBe(free);
      }),
      { numRuns: 500 },
    );
  });

  it('do not depend on booking order: in any arrival order what is kept never overlaps once buffered, and slots ignore the order of busy time', () => {
    fc.assert(
      fc.property(fc.array(bookingArb, { minLength: 2, maxLength: 12 }), fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), (list, keys) => {
        const shuffled = list.map((b, i) => ({ b, k: keys[i] })).sort((x, y) => x.k - y.k).map((x) => x.b);
        // Booking one by one keeps only bookings whose buffered intervals are pairwise apart.
        for (const order of [list, shuffled]) {
          const kept: Booked[] = [];
          for (const b of order) if (offeredWith(b, kept)) kept.push(b);
          for (const [i, x] of kept.entries()) for (const y of kept.slice(i + 1)) expect(overlaps(claimOf(x), claimOf(y))).toBe(false);
        }
        const q = { page: pageOf(list[0]), from: Date.parse('2026-06-01T00:00:00Z'), to: Date.parse('2026-06-05T00:00:00Z'), now: Date.parse('2026-05-01T00:00:00Z') };
        expect(computeSlots({ ...q, hosts: [openHost(shuffled)] })).toEqual(computeSlots({ ...q, hosts: [openHost(list)] }));
      }),
      { numRuns: 200 },
    );
  });

  it('no offered slot’s buffered interval overlaps another booking’s buffered interval, on any page of the host', () => {
    fc.assert(
      fc.property(pageArb, fc.array(bookingArb, { maxLength: 30 }), fc.constantFrom(...ZONES), (p, existing, zone) => {
        const host = { ...openHost(existing), timezone: zone };
        const slots = computeSlots({ page: p, hosts: [host], from: Date.parse('2026-06-01T00:00:00Z'), to: Date.parse('2026-06-05T00:00:00Z'), now: Date.parse('2026-05-25T00:00:00Z') });
        for (const slot of slots) {
          const mine = bufferedInterval(slot.start, slot.end, p);
          for (const b of existing) expect(overlaps(mine, claimOf(b))).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('slot engine examples', () => {
  const nineToFive = [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 540, endMinute: 1020 }));
  const page: PageRules = {
    strategy: 'individual',
    timezone: 'America/New_York',
    durationMinutes: 60,
    slotIntervalMinutes: 60,
    minimumNoticeMinutes: 0,
    horizonDays: 365,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    groupCapacity: null,
  };
  const host = (zone: string, busy: { start: number; end: number }[] = []): HostAvailability => ({ userId: 1, weight: 1, timezone: zone, weekly: nineToFive, overrides: [], busy });
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('keeps 09:00 New York at 09:00 local on both sides of the spring change', () => {
    const slots = computeSlots({ page, hosts: [host('America/New_York')], from: Date.parse('2026-03-06T00:00:00Z'), to: Date.parse('2026-03-10T00:00:00Z'), now });
    const firsts = [...new Set(slots.map((s) => new Date(s.start).toISOString().slice(0, 10)))].map((d) => slots.find((s) => new Date(s.start).toISOString().startsWith(d))!);
    expect(firsts.map((s) => new Date(s.start).toISOString())).toEqual(['2026-03-06T14:00:00.000Z', '2026-03-09T13:00:00.000Z']);
    expect(slots.filter((s) => new Date(s.start).toISOString().startsWith('2026-03-09')).length).toBe(8);
  });

  it('aligns Kolkata and Kathmandu hosts to their own local hours', () => {
    for (const [zone, first] of [
      ['Asia/Kolkata', '2026-06-01T03:30:00.000Z'],
      ['Asia/Kathmandu', '2026-06-01T03:15:00.000Z'],
    ]) {
      const slots = computeSlots({ page: { ...page, timezone: zone }, hosts: [host(zone)], from: Date.parse('2026-05-31T18:00:00Z'), to: Date.parse('2026-06-01T18:00:00Z'), now });
      expect(new Date(slots[0].start).toISOString()).toBe(first);
      expect(slots.length).toBe(8);
    }
  });

  it('applies overrides: a day off and extra hours on a Saturday', () => {
    const h = { ...host('Europe/Berlin'), overrides: [
      { date: '2026-06-01', startMinute: null, endMinute: null, unavailable: true },
      { date: '2026-06-06', startMinute: 600, endMinute: 720, unavailable: false },
    ] };
    const slots = computeSlots({ page: { ...page, timezone: 'Europe/Berlin' }, hosts: [h], from: Date.parse('2026-05-31T22:00:00Z'), to: Date.parse('2026-06-07T22:00:00Z'), now });
    const days = slots.map((s) => new Date(s.start).toISOString().slice(0, 10));
    expect(days).not.toContain('2026-06-01');
    expect(slots.filter((s) => new Date(s.start).toISOString().startsWith('2026-06-06')).map((s) => new Date(s.start).toISOString())).toEqual([
      '2026-06-06T08:00:00.000Z',
      '2026-06-06T09:00:00.000Z',
    ]);
  });

  it('blocks slots whose buffers touch a booking', () => {
    const busy = [{ start: Date.parse('2026-06-01T15:00:00Z'), end: Date.parse('2026-06-01T16:00:00Z') }];
    const slots = computeSlots({ page: { ...page, bufferBeforeMinutes: 15, bufferAfterMinutes: 15 }, hosts: [host('America/New_York', busy)], from: Date.parse('2026-06-01T00:00:00Z'), to: Date.parse('2026-06-02T00:00:00Z'), now });
    const starts = slots.map((s) => new Date(s.start).toISOString().slice(11, 16));
    expect(starts).toEqual(['13:00', '17:00', '18:00', '19:00', '20:00']);
  });

  it('group: an occurrence with seats stays offered, a full one does not', () => {
    const g: PageRules = { ...page, strategy: 'group', groupCapacity: 3 };
    const start = Date.parse('2026-06-01T14:00:00Z');
    const busy = [{ start, end: start + 3_600_000 }];
    const with2 = computeSlots({ page: g, hosts: [host('America/New_York', busy)], occurrences: [{ start, attendeeCount: 2, capacity: 3 }], from: start, to: start + 1, now });
    expect(with2).toEqual([{ start, end: start + 3_600_000, hostIds: [1], seatsLeft: 1 }]);
    const full = computeSlots({ page: g, hosts: [host('America/New_York', busy)], occurrences: [{ start, attendeeCount: 3, capacity: 3 }], from: start, to: start + 1, now });
    expect(full).toEqual([]);
  });
});

describe('pickRoundRobinHost', () => {
  it('takes the least recently assigned free host, then weight DESC, then id ASC', () => {
    const state = [
      { userId: 1, weight: 1, rotation: null },
      { userId: 2, weight: 3, rotation: null },
      { userId: 3, weight: 3, rotation: null },
    ];
    expect(pickRoundRobinHost([1, 2, 3], state)).toBe(2);
    expect(pickRoundRobinHost([1, 2, 3], [{ ...state[0] }, { ...state[1], rotation: 1 }, { ...state[2] }])).toBe(3);
    expect(pickRoundRobinHost([1, 2], [{ ...state[0], rotation: 5 }, { ...state[1], rotation: 4 }, state[2]])).toBe(2);
    expect(pickRoundRobinHost([], state)).toBeUndefined();
  });
});
