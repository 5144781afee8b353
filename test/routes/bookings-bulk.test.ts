import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { insertBooking } from './bookings-fixtures';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(async () => {
  await seed(NOW);
  // A third past booking in team West (Ravi's), so a manager has three to mark at once.
  await env.DB.batch(insertBooking({ id: 'past-ravi', page: 1, hosts: [3], start: '2026-11-20T15:00:00Z', email: 'alice@acme.test' }));
});

const bulk = async (email: string, body: unknown) => call('/api/bookings/bulk', { token: await login(email), now, body });
const status = async (id: string) => (await env.DB.prepare('SELECT status, attendance, cancel_reason FROM bookings WHERE id = ?').bind(id).first<{ status: string; attendance: string | null; cancel_reason: string | null }>())!;
const outboxOf = async (id: string) =>
  (await env.DB.prepare('SELECT kind, to_address FROM email_outbox WHERE booking_id = ? ORDER BY kind').bind(id).all<{ kind: string; to_address: string }>()).results;

async function book(slug: string, start: string, email: string) {
  const res = await call(`/api/public/pages/${slug}/bookings`, { body: { start, name: 'Bulk Booker', email, timezone: 'Europe/Paris', answers: { company: 'Initech' } }, now });
  expect(res.status).toBe(201);
  return (await json(res)).booking.id as string;
}

describe('POST /api/bookings/bulk', () => {
  it('answers per booking: out of scope and unknown → not_found, wrong tab → invalid_state, the rest cancelled with their own emails', async () => {
    const first = await book('ravi-intro', '2026-12-01T15:00:00Z', 'bulk.one@example.org');
    const second = await book('ravi-intro', '2026-12-01T16:00:00Z', 'bulk.two@example.org');
    const before = { b02: await status('seed-b02'), b06: await status('seed-b06') };
    const res = await bulk('rep1@example.com', { action: 'cancel', ids: [first, 'seed-b02', 'seed-b06', 'no-such-booking', second], reason: 'Team offsite, sorry' });
    expect(res.status).toBe(200);
    const { results } = await json(res);
    expect(results.map((r: { id: string; ok: boolean; error?: string }) => [r.id, r.ok, r.error])).toEqual([
      [first, true, undefined],
      ['seed-b02', false, 'not_found'], // Rosa's: outside rep1's scope
      ['seed-b06', false, 'invalid_state'], // past
      ['no-such-booking', false, 'not_found'],
      [second, true, undefined],
    ]);
    for (const id of [first, second]) {
      expect(await status(id)).toMatchObject({ status: 'cancelled', cancel_reason: 'Team offsite, sorry' });
      // Each booking's own cancellation emails, as if cancelled one by one.
      const mails = await outboxOf(id);
      expect(mails.filter((m) => m.kind === 'cancellation_booker').map((m) => m.to_address)).toEqual([id === first ? 'bulk.one@example.org' : 'bulk.two@example.org']);
      expect(mails.some((m) => m.kind === 'cancellation_host')).toBe(true);
    }
    // The refused ones did not change.
    expect(await status('seed-b02')).toEqual(before.b02);
    expect(await status('seed-b06')).toEqual(before.b06);
    // The booker's ICS says CANCEL with the next SEQUENCE, exactly as a single cancel does.
    const ics = await env.DB.prepare("SELECT ics FROM email_outbox WHERE booking_id = ? AND kind = 'cancellation_booker'").bind(first).first<{ ics: string }>();
    expect(ics!.ics).toContain('METHOD:CANCEL');
    expect(ics!.ics).toContain('SEQUENCE:1');
  });

  it('a viewer gets forbidden for bookings in view and not_found outside it, in one call', async () => {
    const res = await bulk('viewer@example.com', { action: 'no_show', ids: ['seed-b07', 'seed-b08'] });
    expect((await json(res)).results).toEqual([
      { id: 'seed-b07', ok: false, error: 'forbidden', message: expect.any(String) },
      { id: 'seed-b08', ok: false, error: 'not_found', message: expect.any(String) },
    ]);
    expect((await status('seed-b07')).attendance).toBeNull();
  });

  it('a manager marks three past bookings no-show: each moves its person’s lifecycle once; an upcoming one is invalid_state', async () => {
    const alice = async () => (await env.DB.prepare("SELECT lifecycle_meta FROM persons WHERE email = 'alice@acme.test'").first<{ lifecycle_meta: string }>())!;
    const meta = JSON.parse((await alice()).lifecycle_meta);
    const res = await bulk('manager@example.com', { action: 'no_show', ids: ['seed-b06', 'seed-b07', 'past-ravi', 'seed-b01'] });
    const { results } = await json(res);
    expect(results.map((r: { ok: boolean; error?: string }) => r.error ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'invalid_state']);
    for (const id of ['seed-b06', 'seed-b07', 'past-ravi']) expect((await status(id)).attendance).toBe('no_show');
    // seed-b06 (attended → no-show) and past-ravi are both Alice's (the fixture has no person link, so only b06 counts).
    const after = JSON.parse((await alice()).lifecycle_meta);
    expect(after.noShowCount).toBe(meta.noShowCount + 1);
    expect(after.attendedCount).toBe(Math.max(0, meta.attendedCount - 1));
    // Repeating is a no-op that still answers ok.
    const again = await json(await bulk('manager@example.com', { action: 'no_show', ids: ['seed-b06'] }));
    expect(again.results).toEqual([{ id: 'seed-b06', ok: true }]);
    expect(JSON.parse((await alice()).lifecycle_meta).noShowCount).toBe(after.noShowCount);
    // Marking attended moves them back.
    expect((await json(await bulk('manager@example.com', { action: 'attended', ids: ['seed-b07', 'past-ravi'] }))).results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    expect((await status('past-ravi')).attendance).toBe('attended');
  });

  it('a group occurrence cancelled in bulk tells every attendee', async () => {
    const res = await bulk('rep2@example.com', { action: 'cancel', ids: ['seed-b04'] });
    expect((await json(res)).results).toEqual([{ id: 'seed-b04', ok: true }]);
    const bookers = (await outboxOf('seed-b04')).filter((m) => m.kind === 'cancellation_booker').map((m) => m.to_address).sort();
    expect(bookers).toEqual(['alice@acme.test', 'bob@globex.test', 'erin@umbrella.test']);
  });

  it('refuses a bad call with 400 and changes nothing', async () => {
    const before = await status('seed-b12');
    const many = Array.from({ length: 101 }, (_, i) => `x-${i}`);
    for (const body of [
      { action: 'cancel', ids: [...many.slice(0, 100), 'seed-b12'] },
      { action: 'cancel', ids: ['seed-b12', 'seed-b12'] },
      { action: 'delete', ids: ['seed-b12'] },
      { action: 'cancel', ids: [] },
      { action: 'attended', ids: ['seed-b06'], reason: 'no' },
      { action: 'cancel', ids: ['seed-b12'], reason: 'x'.repeat(501) },
      { action: 'cancel', ids: ['bad id!'] },
      { action: 'cancel', ids: ['seed-b12'], extra: 1 },
    ]) {
      const res = await bulk('admin@example.com', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await json(res)).error.code).toBe('validation_failed');
    }
    expect(await status('seed-b12')).toEqual(before);
    // Exactly 100 is fine.
    const hundred = await bulk('admin@example.com', { action: 'attended', ids: many.slice(0, 100) });
    expect(hundred.status).toBe(200);
    expect((await json(hundred)).results.every((r: { error: string }) => r.error === 'not_found')).toBe(true);
  });
});
