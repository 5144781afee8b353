/**
 * Reminders are exact (SPEC 11): queued with the booking at start − offset, never sent before
 * that minute, sent by the first sweep at or after it; a booking made inside a window records
 * the reminder as skipped; a reschedule moves the pending ones; a cancel cancels them, and a
 * sweep that overlaps the cancel sends nothing after it; two racing sweeps send once.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, env, seed } from '../helpers';
import { fakeResend } from '../fakes';
import { sweepOutbox } from '../../src/email/delivery';
import { integrityReport } from '../../src/db/integrity';
import { NOW, book, createPage, iso, sweep, workflowMessages } from './helpers';

const BASE = 'https://resend.fake';
const withResend = { ...env, RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: BASE } as typeof env;
let fake: ReturnType<typeof fakeResend> | undefined;
afterEach(() => fake?.restore());

let slug: string;
beforeAll(async () => {
  await seed(new Date(NOW));
  slug = (await createPage('wf-timing')).slug;
});

const shape = (rows: Awaited<ReturnType<typeof workflowMessages>>) => rows.map((r) => [r.name, iso(r.due_at), r.status]);

/**
 * D1 that runs `before` once, just ahead of the `at`-th batch it is asked for: the 1st is the
 * sweep's find-and-claim (a lease), the 2nd what the delivery writes after composing (kept, or the bodies
 * stored and read before Resend).
 */
function d1Interleaving(db: D1Database, before: () => Promise<unknown>, at = 1): D1Database {
  let done = false;
  let batches = 0;
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (prop === 'batch' && !done)
        return async (statements: D1PreparedStatement[]) => {
          if (++batches < at) return target.batch(statements);
          done = true;
          await before();
          return target.batch(statements);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('timed reminders', () => {
  it('are due exactly 24 h and 1 h before the start, and go out with the first sweep at or after that minute, never before', async () => {
    const { id } = await book(slug, '2026-11-25T15:00:00Z');
    expect(shape(await workflowMessages(id))).toEqual([
      ['Reminder 24 hours before', '2026-11-24T15:00:00.000Z', 'pending'],
      ['Reminder 1 hour before', '2026-11-25T14:00:00.000Z', 'pending'],
    ]);
    await sweep('2026-11-24T14:55:00Z');
    expect((await workflowMessages(id)).map((r) => r.status)).toEqual(['pending', 'pending']);
    await sweep('2026-11-24T15:00:00Z');
    expect((await workflowMessages(id)).map((r) => r.status)).toEqual(['sent', 'pending']);
    await sweep('2026-11-25T13:55:00Z');
    expect((await workflowMessages(id))[1].status).toBe('pending');
    await sweep('2026-11-25T14:00:00Z');
    const [day, hour] = await workflowMessages(id);
    expect(hour.status).toBe('sent');
    // The catalogue's reminder in the booker's language, the time in their zone (the page's here).
    expect(day.subject).toBe(`Reminder: Intro ${slug} on Wednesday, November 25, 2026 at 10:00 AM (America/New_York)`);
    expect(day.text_body).toContain('/b/wf-timing/manage/');
  });

  it('a booking made inside a window records that reminder as skipped with the reason, and never sends it', async () => {
    const { id } = await book(slug, '2026-11-26T15:00:00Z', { now: '2026-11-26T14:30:00Z' });
    const rows = await workflowMessages(id);
    expect(shape(rows)).toEqual([
      ['Reminder 24 hours before', '2026-11-25T15:00:00.000Z', 'skipped'],
      ['Reminder 1 hour before', '2026-11-26T14:00:00.000Z', 'skipped'],
    ]);
    expect(rows[1].last_error).toBe('Not sent: the booking was made after this message was due');
    await sweep('2026-11-26T14:35:00Z');
    expect((await workflowMessages(id)).map((r) => r.status)).toEqual(['skipped', 'skipped']);
  });

  it('a reschedule moves the pending reminders to the new time (a reminder already sent gets a fresh one); inside the new window: skipped', async () => {
    const first = await book(slug, '2026-11-27T15:00:00Z');
    await sweep('2026-11-26T15:00:00Z');
    const [sentDay, pendingHour] = await workflowMessages(first.id);
    expect(sentDay.status).toBe('sent');
    const res = await call(`/api/public/manage/${first.token}/reschedule`, { now: '2026-11-26T16:00:00Z', body: { start: '2026-11-30T16:00:00Z' } });
    expect(res.status).toBe(200);
    const moved = (await res.json<any>()).booking.id as string;
    expect(shape(await workflowMessages(first.id))).toEqual([['Reminder 24 hours before', '2026-11-26T15:00:00.000Z', 'sent']]);
    const now = await workflowMessages(moved);
    expect(shape(now)).toEqual([
      ['Reminder 24 hours before', '2026-11-29T16:00:00.000Z', 'pending'],
      ['Reminder 1 hour before', '2026-11-30T15:00:00.000Z', 'pending'],
    ]);
    // The pending one is the same message, moved (and its body left to be composed for the new time).
    expect(now[1].id).toBe(pendingHour.id);
    expect(now[1].next_attempt_at).toBe(Date.parse('2026-11-30T15:00:00Z'));
    // Moved again, 45 minutes ahead: the 1-hour reminder of the new time is already due, so skipped.
    const again = await call(`/api/public/manage/${first.token}/reschedule`, { now: '2026-11-30T15:45:00Z', body: { start: '2026-11-30T16:30:00Z' } });
    expect(again.status).toBe(200);
    const third = (await again.json<any>()).booking.id as string;
    const rows = await workflowMessages(third);
    expect(rows.find((r) => r.name === 'Reminder 1 hour before')).toMatchObject({ status: 'skipped', last_error: 'Not sent: the meeting moved to a time after this message was due' });
    expect(await workflowMessages(moved)).toEqual([]);
  });

  it('a cancel cancels the pending reminders in the same batch; no sweep sends them afterwards', async () => {
    const { id, token } = await book(slug, '2026-12-01T15:00:00Z');
    expect((await call(`/api/public/manage/${token}/cancel`, { now: NOW, body: {} })).status).toBe(200);
    expect((await workflowMessages(id)).map((r) => [r.status, r.last_error])).toEqual([
      ['cancelled', 'Not sent: the booking was cancelled'],
      ['cancelled', 'Not sent: the booking was cancelled'],
    ]);
    await sweep('2026-11-30T15:00:00Z');
    await sweep('2026-12-01T14:00:00Z');
    expect((await workflowMessages(id)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('a sweep that read a due reminder before a cancel committed sends nothing after the cancel', async () => {
    const { id, token } = await book(slug, '2026-12-02T15:00:00Z');
    const cancelMidSweep = d1Interleaving(env.DB, async () => {
      expect((await call(`/api/public/manage/${token}/cancel`, { now: '2026-12-01T15:00:00Z', body: {} })).status).toBe(200);
    });
    await sweepOutbox({ ...env, DB: cancelMidSweep }, Date.parse('2026-12-01T15:00:00Z'));
    expect((await workflowMessages(id)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('a reminder whose booking stopped being confirmed just before the claim is never sent: its composer skips it (Resend is never called)', async () => {
    fake = fakeResend(BASE, [{ status: 200 }]);
    const { id } = await book(slug, '2026-12-03T15:00:00Z');
    const [day] = await workflowMessages(id);
    const cancelBehind = d1Interleaving(env.DB, () => env.DB.prepare(`UPDATE bookings SET status = 'cancelled' WHERE id = ?`).bind(id).run());
    await sweepOutbox({ ...withResend, DB: cancelBehind }, Date.parse('2026-12-02T15:00:00Z'));
    expect(fake.calls.filter((c) => c.idempotencyKey === day.id)).toEqual([]);
    expect((await workflowMessages(id))[0].status).not.toBe('sent');
  });

  it('a cancel that commits after the claim, while the reminder is composed, keeps it out of the mailbox (the record re-checks)', async () => {
    const { id, token } = await book(slug, '2026-12-08T15:00:00Z');
    const cancelAfterClaim = d1Interleaving(env.DB, async () => {
      expect((await call(`/api/public/manage/${token}/cancel`, { now: '2026-12-07T15:00:00Z', body: {} })).status).toBe(200);
    }, 2);
    await sweepOutbox({ ...env, DB: cancelAfterClaim }, Date.parse('2026-12-07T15:00:00Z'));
    expect((await workflowMessages(id)).map((r) => [r.status, r.text_body])).toEqual([['cancelled', ''], ['cancelled', '']]);
  });

  it('a reschedule that commits while a reminder is in flight leaves that one behind: the new time gets a fresh reminder, composed for it', async () => {
    const { id, token } = await book(slug, '2026-12-14T15:00:00Z');
    const [day] = await workflowMessages(id);
    let moved = '';
    const rescheduleAfterClaim = d1Interleaving(env.DB, async () => {
      const res = await call(`/api/public/manage/${token}/reschedule`, { now: '2026-12-13T15:00:00Z', body: { start: '2026-12-16T15:00:00Z' } });
      expect(res.status).toBe(200);
      moved = (await res.json<any>()).booking.id;
    }, 2);
    await sweepOutbox({ ...env, DB: rescheduleAfterClaim }, Date.parse('2026-12-13T15:00:00Z'));
    // The claimed message was composed for the old time: it never goes out as the new time's reminder.
    expect((await workflowMessages(id)).find((r) => r.id === day.id)).toMatchObject({ status: 'cancelled' });
    const fresh = (await workflowMessages(moved)).find((r) => r.name === 'Reminder 24 hours before')!;
    expect(fresh).toMatchObject({ status: 'pending', due_at: Date.parse('2026-12-15T15:00:00Z'), text_body: '' });
    expect(fresh.id).not.toBe(day.id);
  });

  it('a cancel that commits after the claim, before the send, stops it (Resend is never called)', async () => {
    fake = fakeResend(BASE, [{ status: 200 }]);
    const { id } = await book(slug, '2026-12-09T15:00:00Z');
    const [day] = await workflowMessages(id);
    const cancelAfterClaim = d1Interleaving(env.DB, () => env.DB.prepare(`UPDATE bookings SET status = 'cancelled' WHERE id = ?`).bind(id).run(), 2);
    await sweepOutbox({ ...withResend, DB: cancelAfterClaim }, Date.parse('2026-12-08T15:00:00Z'));
    expect(fake.calls.filter((c) => c.idempotencyKey === day.id)).toEqual([]);
    expect((await workflowMessages(id))[0].status).not.toBe('sent');
  });

  it('a due reminder whose booking stopped being confirmed is skipped with why by its first sweep, out of the due set', async () => {
    const { id } = await book(slug, '2026-12-10T15:00:00Z');
    // As a change that forgot to cancel its messages would leave it.
    await env.DB.prepare(`UPDATE bookings SET status = 'cancelled' WHERE id = ?`).bind(id).run();
    const at = Date.parse('2026-12-09T15:00:00Z');
    expect(await sweepOutbox(env, at)).toBeGreaterThanOrEqual(1);
    const [day, hour] = await workflowMessages(id);
    expect(day).toMatchObject({ status: 'skipped', attempts: 0, last_error: 'Not sent: the booking was cancelled before it was due', text_body: '' });
    expect(hour.status).toBe('pending');
    expect(await sweepOutbox(env, at)).toBe(0);
    await sweepOutbox(env, Date.parse('2026-12-10T14:00:00Z'));
    expect((await workflowMessages(id))[1]).toMatchObject({ status: 'skipped', attempts: 0 });
  });

  it('two sweeps racing for the same due reminders send each once', async () => {
    fake = fakeResend(BASE, [{ status: 200 }]);
    const { id } = await book(slug, '2026-12-04T15:00:00Z');
    const at = Date.parse('2026-12-03T15:00:00Z');
    await Promise.all([sweepOutbox(withResend, at), sweepOutbox(withResend, at)]);
    const [day] = await workflowMessages(id);
    expect(day.status).toBe('sent');
    expect(fake.calls.filter((c) => c.idempotencyKey === day.id)).toHaveLength(1);
  });

  it('after all of the above, /dev/integrity finds no message waiting on an unconfirmed booking and none sent before it was due', async () => {
    expect(await integrityReport(env.DB)).toMatchObject({ workflowPendingOnUnconfirmed: 0, workflowSentBeforeDue: 0 });
  });
});
