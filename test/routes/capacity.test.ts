import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { integrityReport } from '../../src/db/integrity';

const NOW = '2026-11-23T12:00:00Z';
// Tuesday and Wednesday 10:00 in New York, inside rep1's working hours.
const FULL = '2026-12-01T15:00:00.000Z';
const ONE_SEAT = '2026-12-02T15:00:00.000Z';

beforeAll(() => seed(new Date(NOW)));

let admin = '';
let pageId = 0;
let n = 0;

// Each booker from their own address, as real ones are (rate limits are per client).
const book = (start: string) => {
  n += 1;
  return call('/api/public/pages/cap-check/bookings', {
    now: NOW,
    headers: { 'x-test-client-ip': `198.51.100.${n}` },
    body: { start, name: `Seat ${n}`, email: `seat${n}@example.org` },
  });
};

const patch = (groupCapacity: number) => call(`/api/scheduling-pages/${pageId}`, { token: admin, method: 'PATCH', now: NOW, body: { groupCapacity } });

async function seatsAt(start: string): Promise<number | undefined> {
  const res = await call('/api/public/pages/cap-check/slots?from=2026-12-01T00:00:00Z&to=2026-12-03T00:00:00Z', { now: NOW });
  const slots: { start: string; seatsLeft: number }[] = (await json(res)).slots;
  return slots.find((s) => s.start === start)?.seatsLeft;
}

const capacityAt = async (start: string) =>
  (await env.DB.prepare("SELECT capacity, attendee_count FROM bookings WHERE page_id = ? AND start_at = ? AND status = 'confirmed'").bind(pageId, Date.parse(start)).first<{ capacity: number; attendee_count: number }>())!;

describe('group capacity changes apply to existing occurrences', () => {
  beforeAll(async () => {
    admin = await login('admin@example.com');
    const res = await call('/api/scheduling-pages', {
      token: admin,
      now: NOW,
      body: {
        slug: 'cap-check',
        title: 'Capacity check',
        durationMinutes: 60,
        timezone: 'America/New_York',
        locationType: 'custom',
        locationValue: 'https://example.com/room',
        strategy: 'group',
        groupCapacity: 2,
        hosts: [{ userId: 3 }],
      },
    });
    expect(res.status).toBe(201);
    pageId = (await json(res)).page.id;
    expect((await book(FULL)).status).toBe(201);
    expect((await book(FULL)).status).toBe(201);
    expect((await book(ONE_SEAT)).status).toBe(201);
    expect((await book(FULL)).status).toBe(409);
  });

  it('raising it: the full slot shows the new seats and takes a booking beyond the old capacity', async () => {
    expect(await seatsAt(FULL)).toBeUndefined();
    const res = await patch(4);
    expect(res.status).toBe(200);
    expect((await json(res)).page.groupCapacity).toBe(4);
    expect(await seatsAt(FULL)).toBe(2);
    expect(await seatsAt(ONE_SEAT)).toBe(3);
    expect((await book(FULL)).status).toBe(201);
    expect(await capacityAt(FULL)).toEqual({ capacity: 4, attendee_count: 3 });
  });

  it('lowering it never goes below the seats taken: nobody loses a seat, nobody new gets one', async () => {
    expect((await patch(2)).status).toBe(200);
    expect(await capacityAt(FULL)).toEqual({ capacity: 3, attendee_count: 3 });
    expect(await capacityAt(ONE_SEAT)).toEqual({ capacity: 2, attendee_count: 1 });
    expect(await seatsAt(FULL)).toBeUndefined();
    expect(await seatsAt(ONE_SEAT)).toBe(1);
    expect((await book(FULL)).status).toBe(409);
    expect((await book(ONE_SEAT)).status).toBe(201);
    expect((await book(ONE_SEAT)).status).toBe(409);
    const report = await integrityReport(env.DB);
    expect(report.groupsOverCapacity).toBe(0);
  });
});
