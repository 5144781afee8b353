import { env } from '../helpers';

/** A booking written straight to D1 (its series and hosts too), at an exact instant. */
export function insertBooking(b: {
  id: string;
  page: number;
  hosts: number[];
  start: string | number;
  minutes?: number;
  status?: 'confirmed' | 'cancelled' | 'rescheduled';
  attendance?: 'attended' | 'no_show' | null;
  name?: string;
  email?: string;
  timezone?: string;
}) {
  const start = typeof b.start === 'number' ? b.start : Date.parse(b.start);
  const created = Date.parse('2026-10-01T00:00:00Z');
  return [
    env.DB.prepare('INSERT INTO booking_series (id, page_id, ics_uid, created_at) VALUES (?, ?, ?, ?)').bind(b.id, b.page, `${b.id}@x`, created),
    env.DB.prepare(
      `INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, attendance, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'zoom', ?, ?, ?, ?)`,
    ).bind(
      b.id, b.id, b.page, Math.min(...b.hosts), b.status ?? 'confirmed', start, start + (b.minutes ?? 30) * 60_000, b.timezone ?? 'America/New_York',
      b.name ?? `Booker ${b.id}`, b.email ?? `${b.id}@fixture.test`, `${b.id}@x`, b.attendance ?? null, created, created,
    ),
    ...b.hosts.map((h) => env.DB.prepare('INSERT INTO booking_hosts (booking_id, user_id) VALUES (?, ?)').bind(b.id, h)),
  ];
}
