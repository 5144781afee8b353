import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { workingIntervals } from '../../src/domain/slots';

// A Monday. Seed bookings sit within 6 days of it; the dates below are later.
const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

const api = async (email: string, path: string, method = 'GET', body?: unknown) => call(path, { token: await login(email), method, body, now: NOW });
const get = async (email: string, id: number) => api(email, `/api/users/${id}/availability`);
const put = async (email: string, id: number, body: unknown) => api(email, `/api/users/${id}/availability`, 'PUT', body);
const page = async (email: string, path: string) => call(path, { headers: { cookie: `session=${await login(email)}` }, now: NOW });

const weekdays = (start = '09:00', end = '17:00') => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const standard = { timezone: 'America/New_York', weekly: weekdays(), overrides: [] };

async function slotStarts(slug: string, from: string, to: string): Promise<string[]> {
  const res = await call(`/api/public/pages/${slug}/slots?from=${from}&to=${to}`, { now: NOW });
  expect(res.status).toBe(200);
  return (await json(res)).slots.map((s: { start: string }) => s.start);
}

async function stored(userId: number) {
  const rules = await env.DB.prepare('SELECT day, start_minute, end_minute FROM availability_rules WHERE user_id = ? ORDER BY day, start_minute').bind(userId).all();
  const overrides = await env.DB.prepare('SELECT date, start_minute, end_minute, unavailable FROM availability_overrides WHERE user_id = ? ORDER BY date, start_minute').bind(userId).all();
  const user = await env.DB.prepare('SELECT timezone FROM users WHERE id = ?').bind(userId).first();
  return { rules: rules.results, overrides: overrides.results, user };
}

describe('GET /api/users/:id/availability', () => {
  it('answers the seeded hours in the shape PUT takes', async () => {
    const res = await get('rep1@example.com', 3);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(standard);
  });

  it('round-trips several ranges a day and a date: GET answers what was put, sorted', async () => {
    const body = {
      timezone: 'Europe/Lisbon',
      weekly: [
        { day: 3, start: '13:30', end: '17:00' },
        { day: 1, start: '09:00', end: '12:00' },
        { day: 3, start: '08:00', end: '12:00' },
        { day: 6, start: '22:00', end: '24:00' },
        { day: 1, start: '12:00', end: '13:00' },
      ],
      overrides: [
        { date: '2026-12-10', start: '14:00', end: '15:00' },
        { date: '2026-12-08', unavailable: true },
        { date: '2026-12-10', start: '07:00', end: '08:30' },
      ],
    };
    const saved = await put('rep2@example.com', 4, body);
    expect(saved.status).toBe(200);
    const expected = {
      timezone: 'Europe/Lisbon',
      weekly: [
        { day: 1, start: '09:00', end: '12:00' },
        { day: 1, start: '12:00', end: '13:00' },
        { day: 3, start: '08:00', end: '12:00' },
        { day: 3, start: '13:30', end: '17:00' },
        { day: 6, start: '22:00', end: '24:00' },
      ],
      overrides: [
        { date: '2026-12-08', unavailable: true },
        { date: '2026-12-10', start: '07:00', end: '08:30' },
        { date: '2026-12-10', start: '14:00', end: '15:00' },
      ],
    };
    expect((await json(saved)).availability).toEqual({ userId: 4, ...expected });
    expect(await json(await get('rep2@example.com', 4))).toEqual(expected);
    expect((await put('rep2@example.com', 4, standard)).status).toBe(200);
  });
});

describe('scope', () => {
  it('self always; others by view scope to read (404 outside) and edit scope to write (403 inside view)', async () => {
    const cases: [email: string, id: number, get: number, put: number][] = [
      ['rep1@example.com', 3, 200, 200], // self
      ['viewer@example.com', 5, 200, 403], // self, but a viewer has no edit permission at all
      ['manager@example.com', 3, 200, 200], // team member
      ['rep1@example.com', 4, 404, 404], // another rep
      ['viewer@example.com', 3, 200, 403], // team member, view only
      ['manager@example.com', 6, 404, 404], // outside the team
      ['rep3@example.com', 3, 404, 404],
      ['admin@example.com', 6, 200, 200],
      ['manager@example.com', 999, 404, 404], // nobody
    ];
    for (const [email, id, getStatus, putStatus] of cases) {
      expect((await get(email, id)).status, `${email} GET ${id}`).toBe(getStatus);
      // Writes the seeded hours back, in the user's own zone.
      const res = await put(email, id, { ...standard, timezone: id === 6 ? 'Europe/Berlin' : 'America/New_York' });
      expect(res.status, `${email} PUT ${id}`).toBe(putStatus);
      if (putStatus !== 200) expect((await json(res)).error.code).toBe(putStatus === 404 ? 'not_found' : 'forbidden');
    }
  });

  it('a refused write changes nothing', async () => {
    const before = await stored(3);
    expect((await put('viewer@example.com', 3, { timezone: 'Asia/Tokyo', weekly: [], overrides: [] })).status).toBe(403);
    expect((await put('rep2@example.com', 3, { timezone: 'Asia/Tokyo', weekly: [], overrides: [] })).status).toBe(404);
    expect(await stored(3)).toEqual(before);
  });
});

describe('validation', () => {
  it('refuses bad input with 400, the issue at its field, and writes nothing', async () => {
    const before = await stored(3);
    const bad: [body: unknown, path: (string | number)[]][] = [
      [{ ...standard, weekly: [{ day: 1, start: '09:00', end: '12:00' }, { day: 1, start: '11:00', end: '14:00' }] }, ['weekly', 1, 'start']],
      [{ ...standard, weekly: [{ day: 2, start: '13:00', end: '17:00' }, { day: 2, start: '09:00', end: '13:30' }] }, ['weekly', 0, 'start']],
      [{ ...standard, weekly: [{ day: 1, start: '09:00', end: '12:00' }, { day: 1, start: '09:00', end: '12:00' }] }, ['weekly', 1, 'start']],
      [{ ...standard, weekly: [{ day: 1, start: '14:00', end: '10:00' }] }, ['weekly', 0, 'end']],
      [{ ...standard, weekly: [{ day: 1, start: '9am', end: '10:00' }] }, ['weekly', 0, 'start']],
      [{ ...standard, overrides: [{ date: '2026-12-09', start: '09:00', end: '12:00' }, { date: '2026-12-09', start: '11:59', end: '13:00' }] }, ['overrides', 1, 'start']],
      [{ ...standard, overrides: [{ date: '2026-12-09', start: '12:00', end: '11:00' }] }, ['overrides', 0, 'end']],
      [{ ...standard, overrides: [{ date: '2026-02-30', unavailable: true }] }, ['overrides', 0, 'date']],
      [{ ...standard, overrides: [{ date: '12/09/2026', unavailable: true }] }, ['overrides', 0, 'date']],
      [{ ...standard, overrides: [{ date: '2026-12-09', unavailable: true, start: '09:00', end: '10:00' }] }, ['overrides', 0]],
      [{ ...standard, overrides: [{ date: '2026-12-09', unavailable: true }, { date: '2026-12-09', start: '09:00', end: '10:00' }] }, ['overrides', 1, 'date']],
      [{ ...standard, overrides: [{ date: '2026-12-09', unavailable: true }, { date: '2026-12-09', unavailable: true }] }, ['overrides', 1, 'date']],
      [{ ...standard, overrides: [{ date: '2026-12-09' }] }, ['overrides', 0, 'start']],
      [{ ...standard, timezone: 'Mars/Olympus' }, ['timezone']],
    ];
    for (const [body, path] of bad) {
      const res = await put('rep1@example.com', 3, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = await json(res);
      expect(error.code).toBe('validation_failed');
      expect(error.issues.map((i: { path: unknown[] }) => i.path), JSON.stringify(body)).toContainEqual(path);
    }
    // Ranges that only touch are fine.
    const touching = { ...standard, weekly: [{ day: 1, start: '09:00', end: '12:00' }, { day: 1, start: '12:00', end: '17:00' }] };
    expect(await stored(3)).toEqual(before);
    expect((await put('rep1@example.com', 3, touching)).status).toBe(200);
    expect((await put('rep1@example.com', 3, standard)).status).toBe(200);
  });
});

describe('the slot engine reads what was saved', () => {
  it('honours every range of an override date (engine)', () => {
    const host = {
      timezone: 'UTC',
      weekly: [{ day: 3, startMinute: 540, endMinute: 1020 }],
      overrides: [
        { date: '2026-12-09', startMinute: 480, endMinute: 540, unavailable: false },
        { date: '2026-12-09', startMinute: 900, endMinute: 960, unavailable: false },
      ],
    };
    const day = Date.parse('2026-12-09T00:00:00Z');
    expect(workingIntervals(host, day, day + 86_400_000)).toEqual([
      { start: Date.parse('2026-12-09T08:00:00Z'), end: Date.parse('2026-12-09T09:00:00Z') },
      { start: Date.parse('2026-12-09T15:00:00Z'), end: Date.parse('2026-12-09T16:00:00Z') },
    ]);
    const off = { ...host, overrides: [...host.overrides, { date: '2026-12-09', startMinute: null, endMinute: null, unavailable: true }] };
    expect(workingIntervals(off, day, day + 86_400_000)).toEqual([]);
  });

  it('several ranges on one override date all reach the public slots', async () => {
    const body = {
      ...standard,
      overrides: [
        { date: '2026-12-09', start: '08:00', end: '09:00' },
        { date: '2026-12-09', start: '15:00', end: '16:00' },
        { date: '2026-12-10', unavailable: true },
      ],
    };
    expect((await put('rep1@example.com', 3, body)).status).toBe(200);
    // 08:00 and 15:00 in New York (EST) are 13:00 and 20:00 UTC; ravi-intro offers 30-minute slots.
    expect(await slotStarts('ravi-intro', '2026-12-09T05:00:00Z', '2026-12-11T05:00:00Z')).toEqual([
      '2026-12-09T13:00:00.000Z',
      '2026-12-09T13:30:00.000Z',
      '2026-12-09T20:00:00.000Z',
      '2026-12-09T20:30:00.000Z',
    ]);
    expect((await put('rep1@example.com', 3, standard)).status).toBe(200);
  });

  it('editing weekly hours changes the slots at once', async () => {
    const tuesday = ['2026-12-08T05:00:00Z', '2026-12-09T05:00:00Z'] as const;
    expect(await slotStarts('ravi-intro', ...tuesday)).toHaveLength(16); // 9–17
    const body = { ...standard, weekly: [{ day: 2, start: '10:00', end: '11:00' }, { day: 2, start: '16:00', end: '16:30' }] };
    expect((await put('manager@example.com', 3, body)).status).toBe(200);
    expect(await slotStarts('ravi-intro', ...tuesday)).toEqual(['2026-12-08T15:00:00.000Z', '2026-12-08T15:30:00.000Z', '2026-12-08T21:00:00.000Z']);
    expect((await put('manager@example.com', 3, standard)).status).toBe(200);
  });
});

describe('/app/availability', () => {
  it('shows the user’s own hours, overrides and the 7-day preview with bookings taken out', async () => {
    const body = { ...standard, overrides: [{ date: '2026-11-25', unavailable: true }, { date: '2026-11-26', start: '10:00', end: '11:00' }, { date: '2026-11-26', start: '13:00', end: '14:00' }] };
    expect((await put('rep1@example.com', 3, body)).status).toBe(200);
    const res = await page('rep1@example.com', '/app/availability');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('aria-current="page"');
    expect(html).toMatch(/<select id="timezone" name="timezone"[^>]*>/);
    expect(html).toContain('<option value="America/New_York" selected="">');
    expect(html).toContain('data-date="2026-11-25"');
    // Preview: seed-b01 holds Tue 10:00–10:30 New York; Wed is off; Thu has its own two ranges.
    const day = (date: string) => html.match(new RegExp(`<li data-date="${date}" data-state="\\w+">(.*?)</li>`))?.[1].replace(/<[^>]+>/g, '');
    expect(day('2026-11-23')).toBe('Mon, Nov 23: 9:00–17:00'); // now is 07:00 there
    expect(day('2026-11-24')).toBe('Tue, Nov 24: 9:00–10:00, 10:30–17:00');
    expect(day('2026-11-25')).toBe('Wed, Nov 25: Unavailable');
    expect(day('2026-11-26')).toBe('Thu, Nov 26: 10:00–11:00, 13:00–14:00');
    expect(day('2026-11-28')).toBe('Sat, Nov 28: Unavailable');
    expect(day('2026-11-29')).toBe('Sun, Nov 29: Unavailable');
    expect(day('2026-11-30')).toBeUndefined(); // seven days: today and the next six
    expect((await put('rep1@example.com', 3, standard)).status).toBe(200);
  });

  it('?userId= edits someone in edit scope, is read-only in view scope, 404 outside', async () => {
    const managed = await (await page('manager@example.com', '/app/availability?userId=3')).text();
    expect(managed).toContain('When people can book Ravi Rep.');
    expect(managed).toContain('type="submit">Save</button>');
    const viewed = await page('viewer@example.com', '/app/availability?userId=3');
    expect(viewed.status).toBe(200);
    const html = await viewed.text();
    expect(html).toContain('but not change it');
    expect(html).not.toContain('>Save</button>');
    expect(html).not.toContain('data-add-range');
    expect(html).toMatch(/<select id="timezone" name="timezone" disabled=""/);
    expect((await page('manager@example.com', '/app/availability?userId=6')).status).toBe(404);
    expect((await page('rep1@example.com', '/app/availability?userId=4')).status).toBe(404);
    expect((await page('rep1@example.com', '/app/availability?userId=999')).status).toBe(404);
    const anonymous = await call('/app/availability', { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
  });
});
