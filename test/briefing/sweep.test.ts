import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../src/index';
import { call, env, json, login, seed } from '../helpers';
import { fakeResend } from '../fakes';
import { sweepBriefings } from '../../src/briefing/sweep';
import { sweepOutbox } from '../../src/email/delivery';

const NOW = new Date('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;

beforeAll(() => seed(NOW));

let fake: ReturnType<typeof fakeResend> | undefined;
afterEach(() => fake?.restore());

/** By default Erin Park (person 5), whom rep2 owns: the host of rosa-demo sees her CRM record. */
async function bookAt(slug: string, start: string, createdAt: string, extra: Record<string, unknown> = {}) {
  const res = await call(`/api/public/pages/${slug}/bookings`, {
    body: { start, name: 'Erin Park', email: 'erin@umbrella.test', ...extra },
    now: createdAt,
  });
  expect(res.status).toBe(201);
  return (await json(res)).booking as { id: string };
}

/** The cron for real: the Worker's scheduled handler at that time, waited to the end. */
async function cron(at: number) {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ scheduledTime: at, cron: '*/5 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const briefings = (bookingId: string) =>
  env.DB.prepare("SELECT id, to_address, subject, text_body, html, status, last_error FROM email_outbox WHERE booking_id = ? AND kind = 'briefing' ORDER BY to_address")
    .bind(bookingId)
    .all<any>();

describe('pre-meeting briefing sweep', () => {
  it('briefs the host within the hour, with the person’s stage, activities and open opportunities', async () => {
    const b = await bookAt('rosa-demo', '2026-11-24T14:45:00Z', '2026-11-23T12:00:00Z');
    const sweepAt = Date.parse('2026-11-24T14:00:00Z');
    await cron(sweepAt - 5 * 60_000 - HOUR);
    expect((await briefings(b.id)).results).toHaveLength(0);
    await cron(sweepAt);
    const mails = (await briefings(b.id)).results;
    expect(mails).toHaveLength(1);
    // No RESEND_API_KEY in tests: composed, then kept for the local mailbox.
    expect(mails[0]).toMatchObject({ to_address: 'rep2@example.com', status: 'sent', subject: 'In 1 hour: Product demo with Erin Park' });
    expect(mails[0].text_body).toContain('Lifecycle stage: marketing_qualified');
    expect(mails[0].text_body).toContain('Discovery call: budget approved for Q1');
    expect(mails[0].text_body).toContain('Park expansion');
    expect(mails[0].text_body).not.toContain('Pilot'); // won, not open
    expect(mails[0].text_body).toContain('Tue, Nov 24, 2026, 9:45 AM'); // the page's zone, New York
    const row = await env.DB.prepare('SELECT briefing_sent_at FROM bookings WHERE id = ?').bind(b.id).first<{ briefing_sent_at: number }>();
    expect(row!.briefing_sent_at).toBe(sweepAt);
    // A later sweep does not brief again.
    await cron(sweepAt + 5 * 60_000);
    expect((await briefings(b.id)).results).toHaveLength(1);
    const mailbox = await (await call('/dev/mailbox')).text();
    expect(mailbox).toContain('In 1 hour: Product demo with Erin Park');
  });

  it('is composed when it goes out, from the CRM as it is then', async () => {
    const b = await bookAt('rosa-demo', '2026-12-01T14:45:00Z', '2026-11-23T12:00:00Z');
    const at = Date.parse('2026-12-01T14:10:00Z');
    expect(await sweepBriefings(env, at)).toBe(1);
    const [queued] = (await briefings(b.id)).results;
    expect(queued).toMatchObject({ status: 'pending', text_body: '' });
    await env.DB.prepare("INSERT INTO activities (person_id, kind, summary, occurred_at) VALUES (5, 'email', 'Sent the security questionnaire', ?)").bind(at + 60_000).run();
    await sweepOutbox(env, at + 120_000);
    const [sent] = (await briefings(b.id)).results;
    expect(sent.status).toBe('sent');
    expect(sent.text_body).toContain('Sent the security questionnaire');
  });

  it('every host of a collective booking gets one, through Resend, bodies not kept', async () => {
    const base = 'https://resend.fake';
    const withResend = { ...env, RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: base } as typeof env;
    fake = fakeResend(base, [{ status: 200, body: { id: 'msg_brief_1' } }, { status: 200, body: { id: 'msg_brief_2' } }]);
    // Alice (owned by rep1) is visible to both hosts: the manager's team and rep1 themself.
    const b = await bookAt('deal-review', '2026-12-02T15:00:00Z', '2026-11-23T12:00:00Z', { name: 'Alice Carter', email: 'alice@acme.test' });
    const at = Date.parse('2026-12-02T14:30:00Z');
    expect(await sweepBriefings(env, at)).toBe(1);
    await sweepOutbox(withResend, at);
    const mails = (await briefings(b.id)).results;
    expect(mails.map((m) => [m.to_address, m.status])).toEqual([
      ['manager@example.com', 'sent'],
      ['rep1@example.com', 'sent'],
    ]);
    const briefingCalls = fake.calls.filter((c) => String(c.body.subject).startsWith('In 1 hour: Deal review'));
    expect(briefingCalls.map((c) => c.body.to).sort()).toEqual([['manager@example.com'], ['rep1@example.com']]);
    expect(briefingCalls[0].body.text).toContain('Lifecycle stage: opportunity');
    expect(briefingCalls[0].body.html).toContain('<p>Lifecycle stage: opportunity</p>');
    expect(briefingCalls.map((c) => c.idempotencyKey).sort()).toEqual(mails.map((m) => m.id).sort());
    for (const m of mails) expect([m.html, m.text_body]).toEqual(['', '']);
  });

  it('a retried briefing is the same mail under the same Idempotency-Key', async () => {
    const base = 'https://resend.fake';
    const withResend = { ...env, RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: base } as typeof env;
    const b = await bookAt('rosa-demo', '2026-12-07T14:45:00Z', '2026-11-23T12:00:00Z');
    const at = Date.parse('2026-12-07T14:00:00Z');
    expect(await sweepBriefings(env, at)).toBe(1);
    const [queued] = (await briefings(b.id)).results;
    // Only this briefing is due at this instant (other pending mail went out when it was made).
    await env.DB.prepare("UPDATE email_outbox SET next_attempt_at = next_attempt_at + 1 WHERE status = 'pending' AND id <> ?").bind(queued.id).run();
    fake = fakeResend(base, [{ status: 500 }, { status: 200, body: { id: 'msg_brief_retry' } }]);
    await sweepOutbox(withResend, at);
    const [held] = (await briefings(b.id)).results;
    expect(held.status).toBe('pending');
    expect(held.text_body).toContain('Lifecycle stage: marketing_qualified');
    // The CRM changes before the retry; the retry still sends what the first attempt did.
    await env.DB.prepare("INSERT INTO activities (person_id, kind, summary, occurred_at) VALUES (5, 'call', 'Late change before the retry', ?)").bind(at + 30_000).run();
    const retryAt = (await env.DB.prepare('SELECT next_attempt_at n FROM email_outbox WHERE id = ?').bind(queued.id).first<{ n: number }>())!.n;
    await sweepOutbox(withResend, retryAt);
    const mine = fake.calls.filter((c) => c.idempotencyKey === queued.id);
    expect(mine).toHaveLength(2);
    expect(mine[1].body).toEqual(mine[0].body);
    expect(mine[1].body.text).not.toContain('Late change before the retry');
    expect((await briefings(b.id)).results[0]).toMatchObject({ status: 'sent', text_body: '', html: '' });
  });

  it('a booking cancelled after its briefing was queued gets none', async () => {
    const b = await bookAt('rosa-demo', '2026-12-03T14:45:00Z', '2026-11-23T12:00:00Z');
    const at = Date.parse('2026-12-03T14:05:00Z');
    expect(await sweepBriefings(env, at)).toBe(1);
    expect((await call(`/api/bookings/${b.id}/cancel`, { token: await login('rep2@example.com'), body: {}, now: new Date(at).toISOString() })).status).toBe(200);
    await sweepOutbox(env, at + 60_000);
    const [mail] = (await briefings(b.id)).results;
    expect(mail).toMatchObject({ status: 'skipped', last_error: 'booking cancelled before the briefing went out', text_body: '' });
  });

  it('a briefing still undelivered when the meeting starts is dropped', async () => {
    const b = await bookAt('rosa-demo', '2026-12-04T14:45:00Z', '2026-11-23T12:00:00Z');
    const at = Date.parse('2026-12-04T14:00:00Z');
    expect(await sweepBriefings(env, at)).toBe(1);
    await sweepOutbox(env, Date.parse('2026-12-04T14:46:00Z'));
    const [mail] = (await briefings(b.id)).results;
    expect(mail).toMatchObject({ status: 'skipped', last_error: 'meeting started before the briefing went out' });
  });

  it('two concurrent sweeps send one briefing', async () => {
    const b = await bookAt('rosa-demo', '2026-11-25T14:00:00Z', '2026-11-23T12:00:00Z');
    const at = Date.parse('2026-11-25T13:05:00Z');
    await Promise.all([sweepBriefings(env, at), sweepBriefings(env, at), sweepBriefings(env, at)]);
    expect((await briefings(b.id)).results).toHaveLength(1);
  });

  it('a booking made 30 minutes ahead never gets one', async () => {
    const admin = await login('admin@example.com');
    expect((await call('/api/scheduling-pages/2', { method: 'PATCH', token: admin, body: { minimumNoticeMinutes: 0 } })).status).toBe(200);
    const b = await bookAt('rosa-demo', '2026-11-26T14:00:00Z', '2026-11-26T13:30:00Z');
    await sweepBriefings(env, Date.parse('2026-11-26T13:35:00Z'));
    expect((await briefings(b.id)).results).toHaveLength(0);
  });

  it('pages with briefings off get none', async () => {
    const admin = await login('admin@example.com');
    expect((await call('/api/scheduling-pages/2', { method: 'PATCH', token: admin, body: { briefingEnabled: false } })).status).toBe(200);
    const b = await bookAt('rosa-demo', '2026-11-27T14:00:00Z', '2026-11-23T12:00:00Z');
    await sweepBriefings(env, Date.parse('2026-11-27T13:30:00Z'));
    expect((await briefings(b.id)).results).toHaveLength(0);
    await call('/api/scheduling-pages/2', { method: 'PATCH', token: admin, body: { briefingEnabled: true } });
  });

  it('cancelled bookings and meetings already started are skipped', async () => {
    const b = await bookAt('rosa-demo', '2026-11-30T14:00:00Z', '2026-11-23T12:00:00Z');
    await call(`/api/bookings/${b.id}/cancel`, { token: await login('rep2@example.com'), body: {}, now: NOW.toISOString() });
    await sweepBriefings(env, Date.parse('2026-11-30T13:30:00Z'));
    expect((await briefings(b.id)).results).toHaveLength(0);
  });

  it('the due-bookings query is a one-hour range scan on the status/start index', async () => {
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT id FROM bookings WHERE status = 'confirmed' AND briefing_sent_at IS NULL AND start_at > ? AND start_at <= ?`,
    ).bind(0, HOUR).all();
    expect(plan.results.map((r) => String(r.detail)).join(' ')).toMatch(/USING INDEX bookings_status_start_idx \(status=\? AND start_at>\? AND start_at<\?\)/);
  });
});

describe('briefing sweep at volume', () => {
  it('briefs every one of 150 bookings due in the same hour in one sweep', async () => {
    const at = Date.parse('2027-02-01T12:00:00Z');
    const created = at - 30 * 86_400_000;
    const statements = [];
    for (let i = 0; i < 150; i++) {
      const id = `bulk-${i}`;
      const hostId = [1, 2, 3, 4, 5, 6][i % 6];
      const start = at + 5 * 60_000 + Math.floor(i / 6) * 2 * 60_000;
      statements.push(
        env.DB.prepare('INSERT INTO booking_series (id, page_id, ics_uid, created_at) VALUES (?, 1, ?, ?)').bind(id, `${id}@x`, created),
        env.DB.prepare(
          `INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, person_id, created_at, updated_at)
           VALUES (?, ?, 1, ?, 'confirmed', ?, ?, 'UTC', 'Bulk', 'alice@acme.test', 'phone', ?, 1, ?, ?)`,
        ).bind(id, id, hostId, start, start + 60_000, `${id}@x`, created, created),
        env.DB.prepare('INSERT INTO booking_hosts (booking_id, user_id) VALUES (?, ?)').bind(id, hostId),
      );
    }
    await env.DB.batch(statements);
    expect(await sweepBriefings(env, at)).toBe(150);
    const queued = await env.DB.prepare("SELECT COUNT(*) n FROM email_outbox WHERE kind = 'briefing' AND booking_id LIKE 'bulk-%'").first<{ n: number }>();
    expect(queued!.n).toBe(150);
    // One delivery sweep works through all of them, page after page, in the run that queued them.
    expect(await sweepOutbox(env, at)).toBeGreaterThanOrEqual(150);
    const sent = await env.DB.prepare(
      `SELECT to_address, COUNT(*) n, SUM(text_body LIKE '%Lifecycle stage: opportunity%') crm FROM email_outbox
       WHERE kind = 'briefing' AND booking_id LIKE 'bulk-%' AND status = 'sent' GROUP BY to_address ORDER BY to_address`,
    ).all<{ to_address: string; n: number; crm: number }>();
    // Alice's owner is rep1: admin, the West manager and viewer see her CRM record, rep2 (own) and rep3 (East) do not.
    expect(sent.results).toEqual([
      { to_address: 'admin@example.com', n: 25, crm: 25 },
      { to_address: 'manager@example.com', n: 25, crm: 25 },
      { to_address: 'rep1@example.com', n: 25, crm: 25 },
      { to_address: 'rep2@example.com', n: 25, crm: 0 },
      { to_address: 'rep3@example.com', n: 25, crm: 0 },
      { to_address: 'viewer@example.com', n: 25, crm: 25 },
    ]);
  });
});
