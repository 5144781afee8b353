/**
 * The slots GET writes its answer as text (publicSlotsJson) instead of building an object per
 * slot for c.json: the text must be byte for byte `JSON.stringify({ slots })` of publicSlots'
 * objects, with c.json's content type, on every kind of page and in every kind of zone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, seed } from '../helpers';
import { publicSlots, publicSlotsJson, type PublicSlot } from '../../src/services/public-booking';
import { computeSlots, type HostAvailability, type PageRules, type Slot, type Strategy } from '../../src/domain/slots';
import { getDb } from '../../src/db/client';
import { loadPageBySlug } from '../../src/db/pages';
import type { Bindings } from '../../src/env';

const DAY = 86_400_000;

/** What publicSlots answered for these engine slots, and the API with it (c.json). */
const objectForm = (slots: Pick<Slot, 'start' | 'end' | 'seatsLeft'>[], group: boolean) =>
  JSON.stringify({
    slots: slots.map((s): PublicSlot =>
      group
        ? { start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString(), seatsLeft: s.seatsLeft }
        : { start: new Date(s.start).toISOString(), end: new Date(s.end).toISOString() },
    ),
  });

const rules = (strategy: Strategy, timezone: string, over: Partial<PageRules> = {}): PageRules => ({
  strategy,
  timezone,
  durationMinutes: 30,
  slotIntervalMinutes: 15,
  minimumNoticeMinutes: 0,
  horizonDays: 400,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  groupCapacity: strategy === 'group' ? 5 : null,
  ...over,
});

const host = (userId: number, timezone: string, busy: { start: number; end: number }[] = []): HostAvailability => ({
  userId,
  weight: 1,
  timezone,
  // Every day 00:00-24:00 but Sunday, and a split Monday: day edges, midnights and DST days all show.
  weekly: [0, 1, 2, 3, 4, 5, 6].flatMap((day) =>
    day === 0 ? [] : day === 1 ? [{ day, startMinute: 0, endMinute: 150 }, { day, startMinute: 570, endMinute: 1440 }] : [{ day, startMinute: 0, endMinute: 1440 }],
  ),
  overrides: [{ date: '2027-03-17', startMinute: 615, endMinute: 630, unavailable: false }],
  busy,
});

const NOW = Date.parse('2027-01-04T12:00:00Z');

function engine(strategy: Strategy, zone: string, from: string, days: number, over: Partial<PageRules> = {}) {
  const start = Date.parse(from);
  const hosts =
    strategy === 'individual' || strategy === 'group'
      ? [host(1, zone, [{ start: start + 2 * DAY + 3_600_000, end: start + 2 * DAY + 7_200_000 }])]
      : [host(1, zone), host(2, 'Asia/Kolkata', [{ start: start + DAY, end: start + DAY + 5_400_000 }]), host(3, 'Australia/Adelaide')];
  const occurrences = strategy === 'group' ? [{ id: 'o1', start: start + DAY, attendeeCount: 2, capacity: 5 }, { id: 'o2', start: start + 2 * DAY + 3_600_000, attendeeCount: 1, capacity: 3 }] : [];
  return computeSlots({ page: rules(strategy, zone, over), hosts, occurrences, from: start, to: start + days * DAY, now: NOW });
}

describe('publicSlotsJson is JSON.stringify({ slots }) of the object form', () => {
  const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Adelaide', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];
  const windows = [
    ['2027-01-05T00:00:00Z', 31], // the bench's month
    ['2027-03-01T00:00:00Z', 40], // spring forward in America and Europe, autumn in Adelaide and Chatham
    ['2027-10-20T00:00:00Z', 20], // fall back in Europe and America, spring in Adelaide and Chatham
  ] as const;
  for (const strategy of ['individual', 'collective', 'round_robin', 'group'] as const)
    for (const zone of zones)
      it(`${strategy} in ${zone}`, () => {
        for (const [from, days] of windows) {
          const slots = engine(strategy, zone, from, days);
          expect(slots.length).toBeGreaterThan(0);
          const group = strategy === 'group';
          expect(publicSlotsJson(slots, group)).toBe(objectForm(slots, group));
        }
      });

  it('writes seatsLeft on group pages only, from the occurrence or the page capacity', () => {
    const slots = engine('group', 'America/New_York', '2027-01-05T00:00:00Z', 3);
    const parsed = JSON.parse(publicSlotsJson(slots, true)).slots as PublicSlot[];
    expect(new Set(parsed.map((s) => s.seatsLeft))).toEqual(new Set([5, 3, 2]));
    const collective = JSON.parse(publicSlotsJson(engine('collective', 'UTC', '2027-01-05T00:00:00Z', 2), false)).slots as PublicSlot[];
    expect(collective.every((s) => !('seatsLeft' in s))).toBe(true);
  });

  it('odd instants: seconds and milliseconds, day edges, before 1970 and past 9999, empty', () => {
    const edge = Date.parse('2027-05-31T23:59:59.999Z');
    const instants = [
      0,
      1,
      999,
      59_999,
      DAY - 1,
      DAY,
      edge,
      edge + 1,
      Date.parse('2027-03-14T06:59:59.001Z'),
      Date.parse('1969-12-31T23:45:00Z'),
      Date.parse('0001-01-01T00:00:00Z'),
      253_402_300_799_999,
      253_402_300_800_000,
      Date.parse('+275760-09-13T00:00:00Z') - 3_600_000,
    ];
    const slots = instants.map((t, i) => ({ start: t, end: t + (i % 3) * 1_000 + 15 * 60_000, seatsLeft: i === 2 ? undefined : i === 3 ? Number.NaN : i - 4 }));
    expect(publicSlotsJson(slots, false)).toBe(objectForm(slots, false));
    expect(publicSlotsJson(slots, true)).toBe(objectForm(slots, true));
    // Out of order and back again across days: the cached day is checked each time.
    const shuffled = [...slots].reverse().concat(slots);
    expect(publicSlotsJson(shuffled, true)).toBe(objectForm(shuffled, true));
    expect(publicSlotsJson([], false)).toBe('{"slots":[]}');
    expect(publicSlotsJson([], true)).toBe(JSON.stringify({ slots: [] }));
  });

  it('every minute of a day, in a 45-minute-offset zone, at 1-minute steps', () => {
    const slots = engine('individual', 'Asia/Kathmandu', '2027-02-01T00:00:00Z', 3, { slotIntervalMinutes: 1, durationMinutes: 7 });
    expect(slots.length).toBeGreaterThan(1440);
    expect(publicSlotsJson(slots, false)).toBe(objectForm(slots, false));
  });
});

describe('GET /api/public/pages/:slug/slots answers the same bytes c.json did', () => {
  const now = '2026-11-23T12:00:00Z';
  const from = '2026-11-24T00:00:00.000Z';
  const to = '2027-01-20T00:00:00.000Z'; // 57 days, across the New York and Berlin winter
  beforeAll(() => seed(new Date(now)));

  const expected = async (slug: string) => {
    const page = (await loadPageBySlug(getDb(env.DB), slug))!;
    const { slots } = await publicSlots(env as unknown as Bindings, getDb(env.DB), page, Date.parse(from), Date.parse(to), Date.parse(now));
    return JSON.stringify({ slots });
  };
  const get = (slug: string) => call(`/api/public/pages/${slug}/slots?from=${from}&to=${to}&timezone=Europe/Berlin`, { now });

  it('on a group page with a joined occurrence: seatsLeft as the object form has it', async () => {
    const first = JSON.parse(await (await get('west-webinar')).text()).slots[0] as PublicSlot;
    const booked = await call('/api/public/pages/west-webinar/bookings', { now, body: { start: first.start, name: 'Seat One', email: 'seat-one@example.org' } });
    expect(booked.status).toBe(201);
    const res = await get('west-webinar');
    const text = await res.text();
    expect(JSON.parse(text).slots[0]).toEqual({ ...first, seatsLeft: first.seatsLeft! - 1 });
    expect(text).toBe(await expected('west-webinar'));
  });

  for (const slug of ['ravi-intro', 'west-sales', 'deal-review', 'west-webinar', 'jonas-beratung'])
    it(`${slug}: first read and the kept page's read alike`, async () => {
      const want = await expected(slug);
      expect(JSON.parse(want).slots.length).toBeGreaterThan(0);
      // The first request reads the page, the second starts from the isolate's copy of it.
      for (let i = 0; i < 2; i++) {
        const res = await get(slug);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(await res.text()).toBe(want);
      }
    });
});
