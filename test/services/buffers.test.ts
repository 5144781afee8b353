/**
 * Buffers belong to the booking (SPEC 15): a confirmed booking blocks its host from
 * start − bufferBefore to end + bufferAfter of its own page, on every page of that host, in
 * whichever order bookings arrive; D1's overlap trigger refuses buffered overlap by itself.
 * Booked through the API, with Rosa (host 4, New York, 09:00–17:00 on weekdays; EST in December).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { integrityReport } from '../../src/db/integrity';
import { rebufferClaimStatements } from '../../src/db/availability';
import { getDb } from '../../src/db/client';
import { schedulingPages } from '../../src/db/schema';
import { eq } from 'drizzle-orm';

const now = '2026-11-23T12:00:00Z';

const createPage = async (slug: string, over: Record<string, unknown>) => {
  const res = await call('/api/scheduling-pages', {
    token: await login('admin@example.com'),
    now,
    body: { slug, title: slug, durationMinutes: 30, timezone: 'America/New_York', locationType: 'phone', locationValue: '+1 555 0199', strategy: 'individual', hosts: [{ userId: 4 }], ...over },
  });
  expect(res.status).toBe(201);
};

beforeAll(async () => {
  await seed(new Date(now));
  // 15 minutes after each meeting; another page of the same host without buffers, 15-minute steps.
  await createPage('rosa-buffered', { slotIntervalMinutes: 30, bufferAfterMinutes: 15 });
  await createPage('rosa-quick', { slotIntervalMinutes: 15 });
});

let n = 0;
const book = async (slug: string, start: string) =>
  call(`/api/public/pages/${slug}/bookings`, { now, body: { start, name: `Booker ${++n}`, email: `buffer${n}@example.org` } });
const slotStarts = async (slug: string, day: string) =>
  (await json(await call(`/api/public/pages/${slug}/slots?from=${day}T13:00:00Z&to=${day}T18:00:00Z`, { now }))).slots.map((s: { start: string }) => s.start.slice(11, 16));
const claimsOf = async (bookingId: string) =>
  (await env.DB.prepare('SELECT start_at s, end_at e FROM host_claims WHERE booking_id = ?').bind(bookingId).all<{ s: number; e: number }>()).results.map((c) => [
    new Date(c.s).toISOString(),
    new Date(c.e).toISOString(),
  ]);
/** Inserts a claim for host 4 straight into D1, past the app (seed-b10 is a cancelled booking of Rosa's). */
const rawClaim = (start: string, end: string) =>
  env.DB.prepare("INSERT INTO host_claims (booking_id, host_id, start_at, end_at) VALUES ('seed-b10', 4, ?, ?)").bind(Date.parse(start), Date.parse(end)).run();

describe('a booking blocks its buffered interval', () => {
  it('bufferAfter 15, booking 10:00–10:30: 10:30 is neither offered nor bookable, 11:00 is; the claim holds 10:00–10:45', async () => {
    const res = await book('rosa-buffered', '2026-12-08T15:00:00Z');
    expect(res.status).toBe(201);
    const { booking } = await json(res);
    expect(await claimsOf(booking.id)).toEqual([['2026-12-08T15:00:00.000Z', '2026-12-08T15:45:00.000Z']]);
    const starts = await slotStarts('rosa-buffered', '2026-12-08');
    expect(starts).not.toContain('15:30');
    expect(starts).toContain('16:00');
    // 09:00 ends with its own buffer at 09:45; 09:30's own buffer (10:00–10:15) would reach into this booking.
    expect(starts).toContain('14:00');
    expect(starts).not.toContain('14:30');
    const again = await book('rosa-buffered', '2026-12-08T15:30:00Z');
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('already_booked');
  });

  it('another page of the same host respects it: 09:30 is offered, 10:30 is not (409), 10:45 is', async () => {
    const starts = await slotStarts('rosa-quick', '2026-12-08');
    expect(starts).toContain('14:30');
    expect(starts).not.toContain('14:45');
    expect(starts).not.toContain('15:30');
    expect(starts).toContain('15:45');
    expect((await book('rosa-quick', '2026-12-08T15:30:00Z')).status).toBe(409);
    expect((await book('rosa-quick', '2026-12-08T15:45:00Z')).status).toBe(201);
  });

  it('does not depend on booking order: either order of 10:00 (buffered) and 10:30 (plain) books only the first', async () => {
    expect((await book('rosa-quick', '2026-12-09T15:30:00Z')).status).toBe(201);
    expect((await book('rosa-buffered', '2026-12-09T15:00:00Z')).status).toBe(409);
    expect((await book('rosa-buffered', '2026-12-17T15:00:00Z')).status).toBe(201);
    expect((await book('rosa-quick', '2026-12-17T15:30:00Z')).status).toBe(409);
  });

  it('a host reschedule onto a buffered interval is refused, just outside it goes through with its own claim', async () => {
    const token = await login('admin@example.com');
    const res = await book('rosa-quick', '2026-12-09T18:00:00Z');
    const { booking } = await json(res);
    const refused = await call(`/api/bookings/${booking.id}/reschedule`, { token, now, body: { start: '2026-12-17T15:30:00Z' } });
    expect(refused.status).toBe(409);
    const moved = await call(`/api/bookings/${booking.id}/reschedule`, { token, now, body: { start: '2026-12-17T15:45:00Z' } });
    expect(moved.status).toBe(200);
    expect(await claimsOf((await json(moved)).booking.id)).toEqual([['2026-12-17T15:45:00.000Z', '2026-12-17T16:15:00.000Z']]);
  });

  it('D1 refuses a claim inside another booking’s buffer even past the app', async () => {
    expect((await book('rosa-buffered', '2026-12-14T15:00:00Z')).status).toBe(201);
    // 10:35–10:40 touches no meeting, only the 10:00 booking's buffer (to 10:45).
    await expect(rawClaim('2026-12-14T15:35:00Z', '2026-12-14T15:40:00Z')).rejects.toThrow(/already_booked/);
    expect((await env.DB.prepare("SELECT COUNT(*) n FROM host_claims WHERE booking_id = 'seed-b10'").first<{ n: number }>())!.n).toBe(0);
  });

  it('the integrity counts stay zero, buffered overlap included', async () => {
    const report = await integrityReport(env.DB);
    expect(report).toMatchObject({ overlappingBookings: 0, bufferedOverlaps: 0, confirmedWithoutClaims: 0, claimsOfUnconfirmed: 0, claimsNotBuffered: 0 });
  });
});

describe('a page’s buffers change', () => {
  /** What a page update does in its batch: the new buffers and its upcoming bookings' claims. */
  const setBuffers = async (slug: string, buffers: { bufferBeforeMinutes: number; bufferAfterMinutes: number }) => {
    const db = getDb(env.DB);
    const [page] = await db.select().from(schedulingPages).where(eq(schedulingPages.slug, slug));
    return db.batch([db.update(schedulingPages).set(buffers).where(eq(schedulingPages.id, page.id)), ...rebufferClaimStatements(db, page.id, buffers, Date.parse(now))]);
  };
  const rosaClaims = async () => (await env.DB.prepare('SELECT booking_id, start_at, end_at FROM host_claims WHERE host_id = 4 ORDER BY start_at').all()).results;

  it('cannot grow into time already booked: the batch aborts and nothing changes', async () => {
    const before = await rosaClaims();
    // 10:45 on Dec 8 starts right where the buffered 10:00 booking's claim ends.
    await expect(setBuffers('rosa-quick', { bufferBeforeMinutes: 5, bufferAfterMinutes: 0 })).rejects.toThrow(/already_booked/);
    expect(await rosaClaims()).toEqual(before);
  });

  it('re-pads the upcoming bookings’ claims when there is room', async () => {
    await setBuffers('rosa-quick', { bufferBeforeMinutes: 0, bufferAfterMinutes: 5 });
    const dec8 = (await env.DB.prepare("SELECT id FROM bookings WHERE start_at = ? AND status = 'confirmed'").bind(Date.parse('2026-12-08T15:45:00Z')).first<{ id: string }>())!;
    expect(await claimsOf(dec8.id)).toEqual([['2026-12-08T15:45:00.000Z', '2026-12-08T16:20:00.000Z']]);
    expect(await integrityReport(env.DB)).toMatchObject({ bufferedOverlaps: 0, claimsNotBuffered: 0, confirmedWithoutClaims: 0 });
  });
});

describe('migration 0006', () => {
  it('rewrites claims made before it to buffered intervals, keeps bookings that now overlap, and guards again', async () => {
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0006'))!;
    // Before 0006 a claim held the meeting alone, so 10:30 on another page could still be booked.
    const { booking } = await json(await book('rosa-buffered', '2026-12-11T15:00:00Z'));
    await env.DB.batch([
      env.DB.prepare('DELETE FROM host_claims WHERE booking_id = ?').bind(booking.id),
      env.DB.prepare('INSERT INTO host_claims (booking_id, host_id, start_at, end_at) VALUES (?, 4, ?, ?)').bind(booking.id, Date.parse('2026-12-11T15:00:00Z'), Date.parse('2026-12-11T15:30:00Z')),
    ]);
    expect((await book('rosa-quick', '2026-12-11T15:30:00Z')).status).toBe(201);
    expect((await integrityReport(env.DB)).claimsNotBuffered).toBe(1);

    await env.DB.batch(migration.queries.map((q) => env.DB.prepare(q)));
    expect(await claimsOf(booking.id)).toEqual([['2026-12-11T15:00:00.000Z', '2026-12-11T15:45:00.000Z']]);
    const report = await integrityReport(env.DB);
    expect(report.claimsNotBuffered).toBe(0);
    expect(report.bufferedOverlaps).toBe(1); // the old pair is reported, not dropped
    expect(report.confirmedWithoutClaims).toBe(0);
    await expect(rawClaim('2026-12-11T15:10:00Z', '2026-12-11T15:20:00Z')).rejects.toThrow(/already_booked/);
    expect((await book('rosa-quick', '2026-12-11T14:15:00Z')).status).toBe(201);
  });
});

describe('changing a page’s buffers re-pads its upcoming bookings', () => {
  const patchPage = async (slug: string, body: Record<string, unknown>) => {
    const [page] = await getDb(env.DB).select().from(schedulingPages).where(eq(schedulingPages.slug, slug));
    return call(`/api/scheduling-pages/${page.id}`, { method: 'PATCH', token: await login('admin@example.com'), now, body });
  };

  it('a larger buffer moves the claims and the slots at once; one reaching booked time is a 409 that changes nothing', async () => {
    await createPage('rosa-repad', { slotIntervalMinutes: 30 });
    const first = await json(await book('rosa-repad', '2026-12-22T15:00:00Z'));
    const second = await book('rosa-repad', '2026-12-22T16:00:00Z');
    expect(second.status, await second.clone().text()).toBe(201);
    expect(await slotStarts('rosa-repad', '2026-12-22')).toContain('15:30');

    const ok = await patchPage('rosa-repad', { bufferAfterMinutes: 20 });
    expect(ok.status).toBe(200);
    expect(await claimsOf(first.booking.id)).toEqual([['2026-12-22T15:00:00.000Z', '2026-12-22T15:50:00.000Z']]);
    expect(await slotStarts('rosa-repad', '2026-12-22')).not.toContain('15:30');

    // 15:00–15:30 + 40 would reach the 16:00 booking: refused, buffers and claims as they were.
    const refused = await patchPage('rosa-repad', { bufferAfterMinutes: 40 });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe('already_booked');
    const [page] = await getDb(env.DB).select().from(schedulingPages).where(eq(schedulingPages.slug, 'rosa-repad'));
    expect(page.bufferAfterMinutes).toBe(20);
    expect(await claimsOf(first.booking.id)).toEqual([['2026-12-22T15:00:00.000Z', '2026-12-22T15:50:00.000Z']]);
  });
});
