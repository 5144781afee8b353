import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { sweepBriefings } from '../../src/briefing/sweep';

const NOW = new Date('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;

beforeAll(() => seed(NOW));

async function bookAt(slug: string, start: string, createdAt: string, extra: Record<string, unknown> = {}) {
  const res = await call(`/api/public/pages/${slug}/bookings`, {
    body: { start, name: 'Alice Carter', email: 'alice@acme.test', ...extra },
    now: createdAt,
  });
  expect(res.status).toBe(201);
  return (await json(res)).booking as { id: string };
}

const briefings = (bookingId: string) =>
  env.DB.prepare("SELECT to_address, subject, text_body FROM email_outbox WHERE booking_id = ? AND kind = 'briefing'").bind(bookingId).all<any>();

describe('pre-meeting briefing sweep', () => {
  it('briefs the host within the hour, with the person’s stage, activities and open opportunities', async () => {
    const b = await bookAt('rosa-demo', '2026-11-24T14:45:00Z', '2026-11-23T12:00:00Z');
    const sweepAt = Date.parse('2026-11-24T14:00:00Z');
    expect(await sweepBriefings(env, sweepAt - 5 * 60_000 - HOUR)).toBe(0);
    await sweepBriefings(env, sweepAt);
    const mails = (await briefings(b.id)).results;
    expect(mails).toHaveLength(1);
    expect(mails[0].to_address).toBe('rep2@example.com');
    expect(mails[0].text_body).toContain('Lifecycle stage: opportunity');
    expect(mails[0].text_body).toContain('Discovery call: budget approved for Q1');
    expect(mails[0].text_body).toContain('Carter expansion');
    expect(mails[0].text_body).not.toContain('Pilot'); // won, not open
    const row = await env.DB.prepare('SELECT briefing_sent_at FROM bookings WHERE id = ?').bind(b.id).first<{ briefing_sent_at: number }>();
    expect(row!.briefing_sent_at).toBe(sweepAt);
    // A later sweep does not brief again.
    await sweepBriefings(env, sweepAt + 5 * 60_000);
    expect((await briefings(b.id)).results).toHaveLength(1);
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
    const sent = await env.DB.prepare("SELECT COUNT(*) n FROM email_outbox WHERE kind = 'briefing' AND booking_id LIKE 'bulk-%'").first<{ n: number }>();
    expect(sent!.n).toBe(150);
  });
});
