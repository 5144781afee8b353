import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../src/index';
import { call, env, json, seed } from '../helpers';
import { fakeResend } from '../fakes';
import { deliverOutbox, sweepOutbox, MAX_ATTEMPTS } from '../../src/email/delivery';
import { claimRows, claimSql, claimWindow } from '../../src/email/claim';
import { COMPOSERS } from '../../src/email/composers';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';

const NOW = new Date('2026-11-23T12:00:00Z');
const BASE = 'https://resend.fake';
const withResend = { ...env, RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: BASE } as typeof env;

beforeAll(() => seed(NOW));

let fake: ReturnType<typeof fakeResend> | undefined;
afterEach(() => fake?.restore());

/** A pending outbox row as a committed booking leaves it (the immediate send never ran). */
async function pendingEmail(kind = 'booking_confirmation', bookingId: string | null = 'seed-b01') {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO email_outbox (id, booking_id, kind, to_address, subject, html, text_body, ics_method, ics, status, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, 'alice@acme.test', 'Confirmed', '<p>hi</p>', 'hi', 'REQUEST', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR', 'pending', 0, ?, ?)`,
  ).bind(id, bookingId, kind, NOW.getTime(), NOW.getTime()).run();
  return id;
}

const row = (id: string) => env.DB.prepare('SELECT status, attempts, last_error, provider_message_id, next_attempt_at FROM email_outbox WHERE id = ?').bind(id).first<any>();
const body = (id: string) => env.DB.prepare('SELECT html, text_body, ics FROM email_outbox WHERE id = ?').bind(id).first<any>();

describe('outbox delivery through Resend', () => {
  it('500 twice then success: one email sent, the same Idempotency-Key on every try', async () => {
    fake = fakeResend(BASE, [{ status: 500 }, { status: 500 }, { status: 200, body: { id: 'msg_ok' } }]);
    const id = await pendingEmail();
    let t = NOW.getTime();
    await deliverOutbox(withResend, [id], t);
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1 });
    for (let i = 0; i < 2; i++) {
      t = (await row(id)).next_attempt_at;
      await sweepOutbox(withResend, t);
    }
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 3, provider_message_id: 'msg_ok' });
    // Delivered bodies (they may carry a manage link) are not kept.
    expect(await env.DB.prepare('SELECT html, text_body, ics FROM email_outbox WHERE id = ?').bind(id).first()).toEqual({ html: '', text_body: '', ics: null });
    expect(fake.calls.map((c) => c.idempotencyKey)).toEqual([id, id, id]);
    expect(fake.delivered.size).toBe(1);
    // The ICS goes as a text/calendar attachment with the method.
    expect(fake.calls[2].body.attachments[0]).toMatchObject({ filename: 'invite.ics', content_type: 'text/calendar; method=REQUEST; charset=UTF-8' });
    const booking = await env.DB.prepare("SELECT email_status, email_attempts, email_provider_id FROM bookings WHERE id = 'seed-b01'").first();
    expect(booking).toEqual({ email_status: 'sent', email_attempts: 3, email_provider_id: 'msg_ok' });
  });

  it('backs off exponentially and honours retry-after on 429', async () => {
    fake = fakeResend(BASE, [{ status: 429, headers: { 'retry-after': '600' } }]);
    const id = await pendingEmail('booking_host_notification', null);
    await deliverOutbox(withResend, [id], NOW.getTime());
    const r = await row(id);
    expect(r.status).toBe('pending');
    expect(r.next_attempt_at).toBeGreaterThanOrEqual(NOW.getTime() + 600_000);
    // Not due yet: the sweep leaves it alone.
    await sweepOutbox(withResend, NOW.getTime() + 60_000);
    expect(fake.calls.length).toBe(1);
  });

  it('a short retry-after is waited out in the same sweep: no attempt lost, sent once', async () => {
    fake = fakeResend(BASE, [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200, body: { id: 'msg_paced' } }]);
    const id = await pendingEmail('booking_host_notification', null);
    await sweepOutbox(withResend, NOW.getTime() + 1);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, provider_message_id: 'msg_paced' });
    const mine = fake.calls.filter((c) => c.idempotencyKey === id);
    expect(mine).toHaveLength(2);
    expect(mine[1].at - mine[0].at).toBeGreaterThanOrEqual(1000);
  });

  it('a send Resend never answers times out and is retried later under the same key', async () => {
    fake = fakeResend(BASE, ['hang', { status: 200, body: { id: 'msg_after_hang' } }]);
    const id = await pendingEmail('booking_host_notification', null);
    await deliverOutbox(withResend, [id], NOW.getTime());
    const r = await row(id);
    expect(r).toMatchObject({ status: 'pending', attempts: 1 });
    expect(r.last_error).toMatch(/^network/);
    await sweepOutbox(withResend, r.next_attempt_at);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, provider_message_id: 'msg_after_hang' });
    expect(fake.calls.map((c) => c.idempotencyKey)).toEqual([id, id]);
  }, 20_000);

  it('a terminal 422 is marked failed with its error in the booking audit', async () => {
    fake = fakeResend(BASE, [{ status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field' } }]);
    const id = await pendingEmail('booking_confirmation', 'seed-b02');
    await deliverOutbox(withResend, [id], NOW.getTime());
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row(id)).last_error).toContain('422');
    // It will never be sent: its body (the booker's manage link) is not kept either.
    expect(await body(id)).toEqual({ html: '', text_body: '', ics: null });
    const booking = await env.DB.prepare("SELECT email_status, email_last_error FROM bookings WHERE id = 'seed-b02'").first<any>();
    expect(booking.email_status).toBe('failed');
    expect(booking.email_last_error).toContain('Invalid `to` field');
    await sweepOutbox(withResend, NOW.getTime() + 86_400_000);
    expect(fake.calls.filter((c) => c.idempotencyKey === id).length).toBe(1);
  });

  it('network errors are transient and give up after the attempt cap', async () => {
    fake = fakeResend(BASE, ['network-error']);
    const id = await pendingEmail('booking_host_notification', null);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const due = (await row(id)).next_attempt_at;
      await sweepOutbox(withResend, Math.max(due, NOW.getTime()));
    }
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(await body(id)).toMatchObject({ html: '', text_body: '' });
    expect((await row(id)).last_error).toMatch(/network/);
  });

  it('a composer that throws fails only its own rows, backs them off and gives up at the cap; the rest of the page is sent', async () => {
    fake = fakeResend(BASE, [{ status: 200, body: { id: 'msg_page' } }]);
    // A kind whose composer is broken (a bug, or data it cannot read): registered for this test only.
    COMPOSERS.poisoned = async () => {
      throw new Error('cannot read the booking');
    };
    try {
      const poisoned = crypto.randomUUID();
      await env.DB.prepare(
        `INSERT INTO email_outbox (id, booking_id, kind, to_address, subject, html, text_body, status, attempts, next_attempt_at, created_at)
         VALUES (?, NULL, 'poisoned', 'host@acme.test', '', '', '', 'pending', 0, ?, ?)`,
      ).bind(poisoned, NOW.getTime(), NOW.getTime()).run();
      const fine = await pendingEmail('booking_host_notification', null);
      let t = NOW.getTime();
      await sweepOutbox(withResend, t);
      expect(await row(fine)).toMatchObject({ status: 'sent', provider_message_id: 'msg_page' });
      const first = await row(poisoned);
      expect(first).toMatchObject({ status: 'pending', attempts: 1, last_error: 'Could not compose: cannot read the booking' });
      expect(first.next_attempt_at).toBeGreaterThan(t);
      expect(await env.DB.prepare('SELECT count(*) AS n FROM email_outbox_leases WHERE outbox_id = ?').bind(poisoned).first('n')).toBe(0);
      for (let i = 1; i < MAX_ATTEMPTS; i++) {
        t = (await row(poisoned)).next_attempt_at;
        await sweepOutbox(withResend, t);
      }
      expect(await row(poisoned)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'Could not compose: cannot read the booking' });
      expect(fake.calls).toHaveLength(1);
    } finally {
      delete COMPOSERS.poisoned;
    }
  });

  it('a malformed 200 body counts as transient and is retried with the same key', async () => {
    let calls = 0;
    fake = fakeResend(BASE, [{ status: 200 }]);
    fake.restore();
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async () => {
      calls++;
      return calls === 1 ? new Response('<html>gateway</html>', { status: 200 }) : Response.json({ id: 'msg_after_malformed' });
    });
    const id = await pendingEmail('booking_host_notification', null);
    await deliverOutbox(withResend, [id], NOW.getTime());
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1 });
    await sweepOutbox(withResend, (await row(id)).next_attempt_at);
    expect(await row(id)).toMatchObject({ status: 'sent', provider_message_id: 'msg_after_malformed' });
    spy.mockRestore();
  });

  it('a send that never finished (worker died mid-request) is retried once its lease runs out', async () => {
    fake = fakeResend(BASE, [{ status: 200, body: { id: 'msg_after_lease' } }]);
    const id = await pendingEmail('booking_host_notification', null);
    // A real claim whose worker never got to send or record: leased for two minutes.
    expect((await claimRows(env.DB, claimWindow.ids([id], NOW.getTime()), NOW.getTime())).claimed.map((r) => r.attempts)).toEqual([1]);
    await sweepOutbox(withResend, NOW.getTime() + 60_000);
    expect(fake.calls.length).toBe(0);
    await sweepOutbox(withResend, NOW.getTime() + 120_000);
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2, provider_message_id: 'msg_after_lease' });
    expect(fake.calls[0].idempotencyKey).toBe(id);
  });

  it('a run whose lease runs short stops sending and hands the rest back untried (another run never takes over a row mid-send)', async () => {
    fake = fakeResend(BASE, [{ status: 200, body: { id: 'msg_first' } }]);
    const ids = await Promise.all(Array.from({ length: 3 }, () => pendingEmail('booking_host_notification', null)));
    // The first send takes almost the whole lease (a slow provider, a long page before it).
    const real = Date.now.bind(Date);
    const start = real();
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => start + (fake!.calls.length ? 112_000 : 0));
    try {
      await deliverOutbox(withResend, ids, NOW.getTime());
    } finally {
      clock.mockRestore();
    }
    expect(fake.calls).toHaveLength(1);
    const rows = await Promise.all(ids.map(row));
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(1);
    // The others are pending, untried and not held: the next run sends them.
    expect(rows.filter((r) => r.status === 'pending')).toEqual([expect.objectContaining({ attempts: 0 }), expect.objectContaining({ attempts: 0 })]);
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM email_outbox_leases WHERE outbox_id IN (?, ?, ?)`).bind(...ids).first('n')).toBe(0);
  });

  it('two overlapping deliveries of one row send it once', async () => {
    fake = fakeResend(BASE, [{ status: 200 }]);
    const id = await pendingEmail('booking_host_notification', null);
    await Promise.all([deliverOutbox(withResend, [id], NOW.getTime()), sweepOutbox(withResend, NOW.getTime()), deliverOutbox(withResend, [id], NOW.getTime())]);
    expect(fake.calls.filter((c) => c.idempotencyKey === id).length).toBe(1);
    expect((await row(id)).status).toBe('sent');
  });

  it('the cron sweep sends what an interrupted request left pending', async () => {
    const id = await pendingEmail('booking_host_notification', null);
    const controller = createScheduledController({ scheduledTime: NOW.getTime(), cron: '*/5 * * * *' });
    const ctx = createExecutionContext();
    worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    // No RESEND_API_KEY in the test env: the mail is kept for the local mailbox.
    expect(await row(id)).toMatchObject({ status: 'sent', provider_message_id: 'local-mailbox' });
    const mailbox = await call('/dev/mailbox');
    expect(mailbox.status).toBe(200);
  });
});

describe('the sweep’s find and claim', () => {
  /** EXPLAIN QUERY PLAN of a claim statement, its details joined. */
  async function plan(window: Parameters<typeof claimSql>[0]) {
    const { sql, params } = new SQLiteAsyncDialect().sqlToQuery(claimSql(window, NOW.getTime()));
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
    return results.map((r) => r.detail).join('\n');
  }

  it('finds the oldest due rows on the due index, in its order (no sort, no scan of the outbox)', async () => {
    const details = await plan(claimWindow.due(NOW.getTime(), 1000));
    expect(details).toMatch(/SEARCH o USING (COVERING )?INDEX email_outbox_due_idx \(status=\? AND next_attempt_at<\?\)/);
    expect(details).not.toMatch(/SCAN (email_outbox|o)\b|TEMP B-TREE/);
    // Whether a row is held: one look-up on the lease table's key.
    expect(details).toMatch(/SEARCH l USING INDEX sqlite_autoindex_email_outbox_leases_1 \(outbox_id=\?\)/);
  });

  it('a booking’s due messages (the immediate send) on the booking index', async () => {
    const details = await plan(claimWindow.booking('seed-b01', NOW.getTime()));
    expect(details).toMatch(/INDEX email_outbox_booking_idx/);
    expect(details).not.toMatch(/SCAN (email_outbox|o|l)\b/);
  });

  it('claims by lease and returns no bodies: a confirmation already claimed is not claimed again until its lease ends', async () => {
    const id = await pendingEmail('booking_host_notification', null);
    const claim = (at: number) => {
      const { sql, params } = new SQLiteAsyncDialect().sqlToQuery(claimSql(claimWindow.ids([id], at), at));
      return env.DB.prepare(sql).bind(...params).all();
    };
    const at = NOW.getTime();
    expect((await claim(at)).results).toEqual([{ id, booking_id: null, kind: 'booking_host_notification', to_address: 'alice@acme.test', attempts: 1, fresh: 0 }]);
    expect((await claim(at)).results).toEqual([]);
    expect((await claim(at + 119_999)).results).toEqual([]);
    // The claim writes nothing to the outbox row: its outcome is recorded there once.
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: at });
    // A lease that ran out (its send never finished) is taken over, and that attempt counts.
    expect((await claim(at + 120_000)).results).toMatchObject([{ id, attempts: 2 }]);
  });

  it('a sweep’s page of 1,000 claims writes only the lease table: the outbox rows are untouched until their outcome', async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, () => pendingEmail('booking_host_notification', null)));
    const before = await env.DB.prepare(`SELECT id, attempts, next_attempt_at, status FROM email_outbox WHERE id IN (?, ?, ?) ORDER BY id`).bind(...ids).all();
    const { claimed } = await claimRows(env.DB, claimWindow.due(NOW.getTime(), 1000), NOW.getTime());
    expect(claimed.map((r) => r.id)).toEqual(expect.arrayContaining(ids));
    const after = await env.DB.prepare(`SELECT id, attempts, next_attempt_at, status FROM email_outbox WHERE id IN (?, ?, ?) ORDER BY id`).bind(...ids).all();
    expect(after.results).toEqual(before.results);
    // The next page of the same sweep does not see the rows held.
    expect((await claimRows(env.DB, claimWindow.due(NOW.getTime(), 1000), NOW.getTime())).claimed).toEqual([]);
    // Delivered: the outcome is on the row (with the attempt) and the leases are gone.
    await deliverOutbox(env, [], NOW.getTime());
    await sweepOutbox(env, NOW.getTime() + 120_000);
    const done = await env.DB.prepare(`SELECT status, attempts FROM email_outbox WHERE id IN (?, ?, ?)`).bind(...ids).all();
    expect(done.results).toEqual(ids.map(() => ({ status: 'sent', attempts: 2 })));
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM email_outbox_leases WHERE outbox_id IN (?, ?, ?)`).bind(...ids).first('n')).toBe(0);
  });
});

describe('a real booking’s mail', () => {
  it('is written with the booking and delivered right after it', async () => {
    const res = await call('/api/public/pages/rosa-demo/bookings', {
      body: { start: '2026-11-30T14:00:00Z', name: '<script>alert(1)</script>', email: 'xss@example.org' },
      now: NOW.toISOString(),
    });
    expect(res.status).toBe(201);
    const { booking } = await json(res);
    const mails = await env.DB.prepare('SELECT kind, html, status FROM email_outbox WHERE booking_id = ?').bind(booking.id).all<any>();
    expect(mails.results).toHaveLength(2);
    for (const m of mails.results) {
      expect(m.html).not.toContain('<script>');
      expect(m.html).toContain('&lt;script&gt;');
    }
  });
});
