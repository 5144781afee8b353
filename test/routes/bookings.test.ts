import { beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { call, env, json, login, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

const api = async (email: string, path: string, body?: unknown, method?: string) =>
  call(path, { token: await login(email), body, now, method });

async function newBooking(slug: string, start: string, extra: Record<string, unknown> = {}) {
  const res = await call(`/api/public/pages/${slug}/bookings`, {
    body: { start, name: 'Pat Booker', email: `pat+${start.slice(5, 16).replace(/[^0-9]/g, '')}@example.org`, timezone: 'Asia/Kolkata', ...extra },
    now,
  });
  expect(res.status).toBe(201);
  return json(res);
}

describe('GET /api/bookings', () => {
  it('orders each tab as the spec says', async () => {
    const list = async (tab: string) => (await json(await api('admin@example.com', `/api/bookings?tab=${tab}&limit=100`))).bookings as { start: string; status: string }[];
    const upcoming = await list('upcoming');
    expect(upcoming.every((b) => b.status === 'confirmed' && b.start > now)).toBe(true);
    expect(upcoming.map((b) => b.start)).toEqual([...upcoming.map((b) => b.start)].sort());
    const past = await list('past');
    expect(past.every((b) => b.status === 'confirmed' && b.start <= now)).toBe(true);
    expect(past.map((b) => b.start)).toEqual([...past.map((b) => b.start)].sort().reverse());
    expect((await list('cancelled')).every((b) => b.status === 'cancelled')).toBe(true);
    expect((await list('rescheduled')).map((b) => b.status)).toEqual(['rescheduled']);
  });

  it('pages with a keyset cursor without gaps or repeats', async () => {
    const all = (await json(await api('admin@example.com', '/api/bookings?tab=upcoming&limit=100'))).bookings.map((b: { id: string }) => b.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { bookings: { id: string }[]; nextCursor: string | null } = await json(
        await api('admin@example.com', `/api/bookings?tab=upcoming&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      );
      seen.push(...body.bookings.map((b) => b.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('searches booker name and email, and filters by page and host', async () => {
    const byName = await json(await api('admin@example.com', '/api/bookings?tab=past&q=erin'));
    expect(byName.bookings.map((b: { id: string }) => b.id)).toEqual(['seed-b07']);
    const byPage = await json(await api('admin@example.com', '/api/bookings?tab=upcoming&pageId=6'));
    expect(byPage.bookings.map((b: { id: string }) => b.id)).toEqual(['seed-b05']);
    const byHost = await json(await api('admin@example.com', '/api/bookings?tab=upcoming&hostId=3'));
    expect(byHost.bookings.map((b: { id: string }) => b.id).sort()).toEqual(['seed-b01', 'seed-b03', 'seed-b12']);
    const wildcard = await json(await api('admin@example.com', '/api/bookings?tab=upcoming&q=%25'));
    expect(wildcard.bookings).toEqual([]);
  });

  it('search finds substrings of the booker’s name, email or CRM name, new bookings included, scope kept', async () => {
    const ids = async (user: string, q: string, tab = 'upcoming') =>
      (await json(await api(user, `/api/bookings?tab=${tab}&q=${encodeURIComponent(q)}`))).bookings.map((b: { id: string }) => b.id).sort();
    const { booking } = await newBooking('rosa-demo', '2026-12-21T14:00:00Z', { name: 'Zed Quinlan', email: 'zed.q@umbrella-corp.test' });
    // Indexed as it is inserted: by name or a piece of the email, in any case.
    expect(await ids('admin@example.com', 'QUINL')).toEqual([booking.id]);
    expect(await ids('admin@example.com', 'umbrella-co')).toEqual([booking.id]);
    // Short terms still work (no trigram to look up: the tab is filtered directly).
    expect(await ids('admin@example.com', 'ed')).toContain(booking.id);
    // Wildcards are literal: nobody's name holds "n_m" or "%".
    expect(await ids('admin@example.com', 'n_m')).toEqual([]);
    expect(await ids('admin@example.com', 'quin%')).toEqual([]);
    // Search never widens scope: rep1 does not see rep2's booking.
    expect(await ids('rep1@example.com', 'quinlan')).toEqual([]);
    expect(await ids('rep2@example.com', 'quinlan')).toEqual([booking.id]);
  });

  it('search finds a CRM person by their new name once renamed, on their bookings and group seats alike', async () => {
    const ids = async (q: string) =>
      (await json(await api('rep2@example.com', `/api/bookings?tab=upcoming&q=${encodeURIComponent(q)}`))).bookings.map((b: { id: string }) => b.id).sort();
    const booker = { name: 'Otto Oldname', email: 'otto.rename@example.org' };
    const { booking } = await newBooking('rosa-demo', '2026-12-29T14:00:00Z', booker);
    const seat = await newBooking('west-webinar', '2026-12-29T16:00:00Z', booker);
    await env.DB.prepare("UPDATE persons SET name = 'Ottilie Newname' WHERE email = 'otto.rename@example.org'").run();
    expect(await ids('Newname')).toEqual([booking.id, seat.booking.id].sort());
    // The row shows the CRM name; what the booker typed still finds it too.
    const [row] = (await json(await api('rep2@example.com', `/api/bookings?tab=upcoming&q=Ottilie`))).bookings.filter((b: { id: string }) => b.id === booking.id);
    expect(row.bookerName).toBe('Ottilie Newname');
    expect(await ids('Oldname')).toEqual([booking.id, seat.booking.id].sort());
  });

  it('a search matching over a thousand bookings pages through them in order all the same', async () => {
    const created = Date.parse('2026-11-01T00:00:00Z');
    const statements = [];
    for (let i = 0; i < 1_005; i++) {
      const id = `dense-${String(i).padStart(4, '0')}`;
      const start = Date.parse('2027-03-01T00:00:00Z') + i * 3_600_000;
      statements.push(
        env.DB.prepare('INSERT INTO booking_series (id, page_id, ics_uid, created_at) VALUES (?, 2, ?, ?)').bind(id, `${id}@x`, created),
        env.DB.prepare(
          `INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, created_at, updated_at)
           VALUES (?, ?, 2, 4, 'confirmed', ?, ?, 'UTC', 'Dense Booker', ?, 'zoom', ?, ?, ?)`,
        ).bind(id, id, start, start + 60_000, `${id}@dense-bulk.test`, `${id}@x`, created, created),
      );
    }
    await env.DB.batch(statements);
    const first = await json(await api('admin@example.com', '/api/bookings?tab=upcoming&limit=25&q=dense-bulk'));
    expect(first.bookings.map((b: { id: string }) => b.id)).toEqual(Array.from({ length: 25 }, (_, i) => `dense-${String(i).padStart(4, '0')}`));
    const second = await json(await api('admin@example.com', `/api/bookings?tab=upcoming&limit=25&q=dense-bulk&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect(second.bookings[0].id).toBe('dense-0025');
    // A selective term among them still finds its one booking.
    expect((await json(await api('admin@example.com', '/api/bookings?tab=upcoming&q=dense-1004'))).bookings.map((b: { id: string }) => b.id)).toEqual(['dense-1004']);
  });

  it('the Bookings page filters by page and host with choices from the viewer’s scope', async () => {
    const cookie = { cookie: `session=${await login('admin@example.com')}` };
    const html = await (await call('/app/bookings?tab=upcoming&hostId=6', { headers: cookie, now })).text();
    expect([...html.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1])).toEqual(['seed-b05']);
    // Custom answers carry their question's label in the drawer.
    const ravi = await (await call('/app/bookings?tab=upcoming&pageId=1', { headers: cookie, now })).text();
    expect(ravi).toContain('<dt>Company</dt>');
    const byPage = await (await call('/app/bookings?tab=upcoming&pageId=4', { headers: cookie, now })).text();
    expect([...byPage.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1])).toEqual(['seed-b03']);
    // A rep is offered only their own name and pages.
    const rep = await (await call('/app/bookings', { headers: { cookie: `session=${await login('rep3@example.com')}` }, now })).text();
    expect(rep).toContain('Jonas Rep');
    expect(rep).not.toContain('Ravi Rep');
    expect(rep).not.toContain('Intro call with Ravi');
  });

  it('serves the tab from an index, one query per page of rows', async () => {
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT id FROM bookings WHERE status = 'confirmed' AND start_at > ? ORDER BY start_at, id LIMIT 51`,
    ).bind(Date.now()).all();
    const detail = plan.results.map((r) => String(r.detail)).join(' | ');
    expect(detail).toMatch(/USING (COVERING )?INDEX bookings_status_start_idx/);
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });
});

describe('reschedule (host)', () => {
  it('keeps the series and UID, bumps SEQUENCE, emails the booker a REQUEST with the message', async () => {
    const { booking } = await newBooking('rosa-demo', '2026-12-14T14:00:00Z');
    const res = await api('rep2@example.com', `/api/bookings/${booking.id}/reschedule`, { start: '2026-12-14T16:15:00Z', message: 'Can we do later?' });
    expect(res.status).toBe(200);
    const moved = (await json(res)).booking;
    expect(moved).toMatchObject({ seriesId: booking.seriesId, icsUid: booking.icsUid, icsSequence: 1, status: 'confirmed', start: '2026-12-14T16:15:00.000Z' });
    const old = (await json(await api('rep2@example.com', `/api/bookings/${booking.id}`))).booking;
    expect(old.status).toBe('rescheduled');
    const mail = await env.DB.prepare("SELECT subject, text_body, ics, ics_method FROM email_outbox WHERE booking_id = ? AND kind = 'host_rescheduled'").bind(moved.id).first<Record<string, string>>();
    expect(mail!.subject).toMatch(/your host has proposed a new time/i);
    expect(mail!.text_body).toContain('Can we do later?');
    expect(mail!.ics_method).toBe('REQUEST');
    const event = new ICAL.Component(ICAL.parse(mail!.ics)).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe(booking.icsUid);
    expect(event.getFirstPropertyValue('sequence')).toBe(1);
  });

  it('a series after two reschedules has three rows, one UID, SEQUENCE 0, 1, 2', async () => {
    const { booking } = await newBooking('rosa-demo', '2026-12-15T14:00:00Z');
    const first = (await json(await api('rep2@example.com', `/api/bookings/${booking.id}/reschedule`, { start: '2026-12-15T15:30:00Z' }))).booking;
    const second = (await json(await api('rep2@example.com', `/api/bookings/${first.id}/reschedule`, { start: '2026-12-15T17:00:00Z' }))).booking;
    const rows = await env.DB.prepare('SELECT status, ics_uid, ics_sequence FROM bookings WHERE series_id = ? ORDER BY ics_sequence').bind(booking.seriesId).all();
    expect(rows.results).toEqual([
      { status: 'rescheduled', ics_uid: booking.icsUid, ics_sequence: 0 },
      { status: 'rescheduled', ics_uid: booking.icsUid, ics_sequence: 1 },
      { status: 'confirmed', ics_uid: booking.icsUid, ics_sequence: 2 },
    ]);
    expect(second.icsSequence).toBe(2);
  });

  it('409 already_booked into a taken time, and nothing changes', async () => {
    const { booking } = await newBooking('rosa-demo', '2026-12-16T14:00:00Z');
    await newBooking('rosa-demo', '2026-12-16T16:15:00Z');
    const res = await api('rep2@example.com', `/api/bookings/${booking.id}/reschedule`, { start: '2026-12-16T16:15:00Z' });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('already_booked');
    expect((await json(await api('rep2@example.com', `/api/bookings/${booking.id}`))).booking.status).toBe('confirmed');
  });

  it('can move back into the time it held before (the old claim is released in the same write)', async () => {
    const { booking } = await newBooking('rosa-demo', '2026-12-17T14:00:00Z');
    const res = await api('rep2@example.com', `/api/bookings/${booking.id}/reschedule`, { start: '2026-12-17T14:45:00Z' });
    expect(res.status).toBe(200);
    const moved = (await json(res)).booking;
    const res2 = await api('rep2@example.com', `/api/bookings/${moved.id}/reschedule`, { start: '2026-12-17T14:00:00Z' });
    expect(res2.status).toBe(200);
  });
});

describe('cancel (host)', () => {
  it('moves the row to Cancelled with reason and who cancelled; the booker gets METHOD:CANCEL with SEQUENCE + 1', async () => {
    const { booking } = await newBooking('rosa-demo', '2026-12-18T14:00:00Z');
    const res = await api('rep2@example.com', `/api/bookings/${booking.id}/cancel`, { reason: 'Out of office' });
    expect(res.status).toBe(200);
    expect((await json(res)).booking).toMatchObject({ status: 'cancelled', cancelReason: 'Out of office', cancelledBy: 'host', icsSequence: 1 });
    const mail = await env.DB.prepare("SELECT ics FROM email_outbox WHERE booking_id = ? AND kind = 'cancellation_booker'").bind(booking.id).first<{ ics: string }>();
    const cal = new ICAL.Component(ICAL.parse(mail!.ics));
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    const event = cal.getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe(booking.icsUid);
    expect(event.getFirstPropertyValue('sequence')).toBe(1);
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    // The time is free again.
    const slots = await json(await call('/api/public/pages/rosa-demo/slots?from=2026-12-18T14:00:00Z&to=2026-12-18T14:01:00Z', { now }));
    expect(slots.slots).toHaveLength(1);
  });

  it('400 for a 501-character reason, and nothing changes', async () => {
    const { booking } = await newBooking('rosa-demo', '2026-12-18T16:15:00Z');
    const res = await api('rep2@example.com', `/api/bookings/${booking.id}/cancel`, { reason: 'x'.repeat(501) });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('validation_failed');
    expect((await json(await api('rep2@example.com', `/api/bookings/${booking.id}`))).booking.status).toBe('confirmed');
    expect((await api('rep2@example.com', `/api/bookings/${booking.id}/cancel`, { reason: 'x'.repeat(500) })).status).toBe(200);
  });

  it('409 invalid_state in the wrong tab or status', async () => {
    expect((await json(await api('admin@example.com', '/api/bookings/seed-b06/cancel', {}))).error.code).toBe('invalid_state'); // past
    expect((await api('admin@example.com', '/api/bookings/seed-b09/cancel', {})).status).toBe(409); // cancelled
    expect((await api('admin@example.com', '/api/bookings/seed-b11/reschedule', { start: '2026-12-21T15:00:00Z' })).status).toBe(409); // rescheduled
    expect((await api('admin@example.com', '/api/bookings/seed-b06/reschedule', { start: '2026-12-21T15:00:00Z' })).status).toBe(409); // past
    expect((await api('admin@example.com', '/api/bookings/seed-b01/attendance', { status: 'attended' })).status).toBe(409); // upcoming
  });
});

describe('manage link', () => {
  it('a new link works at once and the old one is dead', async () => {
    const { booking, manageUrl } = await newBooking('rosa-demo', '2026-12-22T14:00:00Z');
    const oldToken = manageUrl.split('/').pop();
    expect((await call(`/api/public/manage/${oldToken}`)).status).toBe(200);
    const res = await api("rep2@example.com", `/api/bookings/${booking.id}/manage-link`, undefined, "POST");
    expect(res.status).toBe(200);
    const fresh = (await json(res)).manageUrl as string;
    expect(fresh).toMatch(/\/b\/rosa-demo\/manage\/[A-Za-z0-9_-]{43}$/);
    expect((await call(`/api/public/manage/${oldToken}`)).status).toBe(404);
    expect((await call(`/api/public/manage/${fresh.split('/').pop()}`)).status).toBe(200);
  });
});

describe('attendance', () => {
  const meta = async () => (await json(await api('admin@example.com', '/api/persons/5'))).person.lifecycleMeta;

  it('no-show updates the person and adds an activity; switching keeps counts right; repeating is a no-op', async () => {
    // seed-b07 is Erin's past demo with rep2.
    const before = await meta();
    const activitiesBefore = (await json(await api('admin@example.com', '/api/persons/5'))).person.activities.length;
    let res = await api('rep2@example.com', '/api/bookings/seed-b07/attendance', { status: 'no_show' });
    expect(res.status).toBe(200);
    expect((await json(res)).booking.attendance).toBe('no_show');
    expect(await meta()).toMatchObject({ noShowCount: before.noShowCount + 1, attendedCount: before.attendedCount, lastNoShowAt: now });
    res = await api('rep2@example.com', '/api/bookings/seed-b07/attendance', { status: 'no_show' });
    expect(await meta()).toMatchObject({ noShowCount: before.noShowCount + 1 });
    res = await api('rep2@example.com', '/api/bookings/seed-b07/attendance', { status: 'attended' });
    expect(await meta()).toMatchObject({ noShowCount: before.noShowCount, attendedCount: before.attendedCount + 1 });
    const person = (await json(await api('admin@example.com', '/api/persons/5'))).person;
    expect(person.activities.length).toBe(activitiesBefore + 2);
    expect(person.activities.map((a: { kind: string }) => a.kind).slice(0, 2)).toEqual(expect.arrayContaining(['no_show', 'attended']));
  });

  it('concurrent identical marks count once', async () => {
    const before = (await json(await api('admin@example.com', '/api/persons/4'))).person.lifecycleMeta;
    await Promise.all(Array.from({ length: 5 }, () => api('rep3@example.com', '/api/bookings/seed-b08/attendance', { status: 'no_show' })));
    const after = (await json(await api('admin@example.com', '/api/persons/4'))).person.lifecycleMeta;
    expect(after.noShowCount).toBe(before.noShowCount + 1);
  });
});
