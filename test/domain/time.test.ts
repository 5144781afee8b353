import { describe, expect, it } from 'vitest';
import { localDateOf, zonedWallTimeToUtc, isValidTimeZone } from '../../src/domain/time';

describe('zonedWallTimeToUtc', () => {
  it('converts New York wall times across the spring-forward and fall-back days', () => {
    // 2026-03-08: clocks jump 02:00 → 03:00 (EST → EDT).
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 3, day: 8, }, 9 * 60, 'America/New_York')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 3, day: 7 }, 9 * 60, 'America/New_York')).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    // 2026-11-01: clocks fall back 02:00 → 01:00.
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 11, day: 1 }, 9 * 60, 'America/New_York')).toISOString()).toBe('2026-11-01T14:00:00.000Z');
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 10, day: 31 }, 9 * 60, 'America/New_York')).toISOString()).toBe('2026-10-31T13:00:00.000Z');
  });

  it('resolves a wall time inside the spring-forward gap to a real instant', () => {
    const t = zonedWallTimeToUtc({ year: 2026, month: 3, day: 8 }, 2 * 60 + 30, 'America/New_York');
    // 02:30 does not exist that day; it lands on 03:30 EDT (07:30Z) or 01:30 EST (06:30Z), never elsewhere.
    expect(['2026-03-08T07:30:00.000Z', '2026-03-08T06:30:00.000Z']).toContain(new Date(t).toISOString());
  });

  it('handles half- and quarter-hour zones and Lord Howe’s 30-minute DST', () => {
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 6, day: 1 }, 9 * 60, 'Asia/Kolkata')).toISOString()).toBe('2026-06-01T03:30:00.000Z');
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 6, day: 1 }, 9 * 60, 'Asia/Kathmandu')).toISOString()).toBe('2026-06-01T03:15:00.000Z');
    // Lord Howe: UTC+10:30 in winter (June), UTC+11 in summer (January).
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 6, day: 1 }, 9 * 60, 'Australia/Lord_Howe')).toISOString()).toBe('2026-05-31T22:30:00.000Z');
    expect(new Date(zonedWallTimeToUtc({ year: 2026, month: 1, day: 15 }, 9 * 60, 'Australia/Lord_Howe')).toISOString()).toBe('2026-01-14T22:00:00.000Z');
  });

  it('gives the local date of an instant', () => {
    expect(localDateOf(Date.parse('2026-06-01T20:00:00Z'), 'Asia/Kolkata')).toEqual({ year: 2026, month: 6, day: 2, weekday: 2 });
  });

  it('knows real IANA zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
