import { beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { call, env, json, login, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

async function newBooking(slug: string, start: string, email = `m${Date.parse(start)}@example.org`) {
  const res = await call(`/api/public/pages/${slug}/bookings`, { body: { start, name: 'Mo Booker', email, timezone: 'Asia/Kathmandu' }, now });
  expect(res.status).toBe(201);
  const body = await json(res);
  return { ...body, token: (body.manageUrl as string).split('/').pop()! };
}

/** The assigned host, read from D1 (public answers do not name hosts). */
const hostOf = async (id: string) => (await env.DB.prepare('SELECT host_id h FROM bookings WHERE id = ?').bind(id).first<{ h: number }>())!.h;

const manage = (token: string, action?: 'cancel' | 'reschedule', body: unknown = {}) =>
  call(`/api/public/manage/${token}${action ? `/${action}` : ''}`, action ? { body, now } : { now });

describe('booker self-service through the manage token', () => {
  it('shows the booking and keeps caches and referrers out', async () => {
    const { token, booking } = await newBooking('rosa-demo', '2026-12-28T14:00:00Z');
    const res = await manage(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await json(res)).booking).toMatchObject({ id: booking.id, status: 'confirmed', bookerTimezone: 'Asia/Kathmandu' });
  });

  it('cancels with a reason, records the booker, emails booker and host in the same write', async () => {
    const { token, booking } = await newBooking('rosa-demo', '2026-12-28T14:45:00Z');
    const res = await manage(token, 'cancel', { reason: 'Found another vendor' });
    expect(res.status).toBe(200);
    expect((await json(res)).booking).toMatchObject({ status: 'cancelled', cancelledBy: 'booker', cancelReason: 'Found another vendor' });
    const kinds = await env.DB.prepare('SELECT kind FROM email_outbox WHERE booking_id = ? ORDER BY kind').bind(booking.id).all();
    expect(kinds.results.map((k) => k.kind)).toEqual(['booking_confirmation', 'booking_host_notification', 'cancellation_booker', 'cancellation_host']);
    // Cancelled: still shown, no more actions.
    expect((await manage(token)).status).toBe(200);
    const again = await manage(token, 'cancel', {});
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('invalid_state');
  });

  it('reschedules twice and the original link still works', async () => {
    const { token, booking } = await newBooking('rosa-demo', '2026-12-29T14:00:00Z');
    const first = await manage(token, 'reschedule', { start: '2026-12-29T15:30:00Z' });
    expect(first.status).toBe(200);
    const second = await manage(token, 'reschedule', { start: '2026-12-29T17:00:00Z' });
    expect(second.status).toBe(200);
    const latest = (await json(second)).booking;
    expect(latest).toMatchObject({ seriesId: booking.seriesId, icsSequence: 2, start: '2026-12-29T17:00:00.000Z' });
    expect((await json(await manage(token))).booking.id).toBe(latest.id);
    const hostMail = await env.DB.prepare("SELECT COUNT(*) n FROM email_outbox WHERE kind = 'booker_rescheduled' AND booking_id = ?").bind(latest.id).first<{ n: number }>();
    expect(hostMail!.n).toBe(1);
  });

  it('a regenerated link is dead at once and the new one works', async () => {
    const { token, booking } = await newBooking('rosa-demo', '2026-12-30T14:00:00Z');
    const res = await call(`/api/bookings/${booking.id}/manage-link`, { method: 'POST', token: await login('rep2@example.com'), now });
    const fresh = ((await json(res)).manageUrl as string).split('/').pop()!;
    expect((await manage(token)).status).toBe(404);
    expect((await manage(token, 'cancel', {})).status).toBe(404);
    expect((await manage(fresh)).status).toBe(200);
  });

  it('a taken slot is 409 already_booked', async () => {
    const { token } = await newBooking('rosa-demo', '2026-12-31T14:00:00Z');
    await newBooking('rosa-demo', '2026-12-31T15:30:00Z');
    const res = await manage(token, 'reschedule', { start: '2026-12-31T15:30:00Z' });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('already_booked');
  });

  it('a past booking is 409 invalid_state', async () => {
    const { token } = await newBooking('rosa-demo', '2026-11-24T14:00:00Z');
    const later = '2026-11-25T00:00:00Z';
    const res = await call(`/api/public/manage/${token}/cancel`, { body: {}, now: later });
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('invalid_state');
    const res2 = await call(`/api/public/manage/${token}/reschedule`, { body: { start: '2026-12-01T14:00:00Z' }, now: later });
    expect(res2.status).toBe(409);
  });

  it('unknown, malformed and regenerated tokens get the same 404 envelope', async () => {
    const bodies = new Set<string>();
    for (const t of ['A'.repeat(43), 'short', '../../etc', 'x'.repeat(99)]) {
      const res = await manage(encodeURIComponent(t));
      expect(res.status).toBe(404);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
  });

  it('a 501-character reason is refused and nothing changes', async () => {
    const { token } = await newBooking('rosa-demo', '2027-01-04T14:00:00Z');
    expect((await manage(token, 'cancel', { reason: 'x'.repeat(501) })).status).toBe(400);
    expect((await json(await manage(token))).booking.status).toBe('confirmed');
  });

  it('round robin: the booker may land on any free eligible host, the current one first', async () => {
    const { token, booking } = await newBooking('west-sales', '2027-01-05T14:00:00Z');
    const res = await manage(token, 'reschedule', { start: '2027-01-05T15:00:00Z' });
    expect(res.status).toBe(200);
    expect(await hostOf((await json(res)).booking.id)).toBe(await hostOf(booking.id));
  });

  it('group: each booker has their own link and cancelling frees only their seat', async () => {
    const a = await newBooking('west-webinar', '2027-01-06T15:00:00Z', 'seat-a@example.org');
    const b = await newBooking('west-webinar', '2027-01-06T15:00:00Z', 'seat-b@example.org');
    expect(a.booking.id).toBe(b.booking.id);
    expect((await json(await manage(a.token))).booking.bookerEmail).toBe('seat-a@example.org');
    expect((await manage(a.token, 'cancel', {})).status).toBe(200);
    expect((await json(await manage(b.token))).booking).toMatchObject({ status: 'confirmed', attendeeCount: 1 });
    const slots = await json(await call('/api/public/pages/west-webinar/slots?from=2027-01-06T15:00:00Z&to=2027-01-06T15:01:00Z', { now }));
    expect(slots.slots[0].seatsLeft).toBe(9);
  });
});

describe('group seats move on their own', () => {
  it('a booker’s reschedule moves only their seat, into another occurrence or a new one', async () => {
    const a = await newBooking('west-webinar', '2027-01-11T15:00:00Z', 'move-a@example.org');
    const b = await newBooking('west-webinar', '2027-01-11T15:00:00Z', 'move-b@example.org');
    const res = await manage(a.token, 'reschedule', { start: '2027-01-11T17:00:00Z' });
    expect(res.status).toBe(200);
    const moved = (await json(res)).booking;
    expect(moved).toMatchObject({ start: '2027-01-11T17:00:00.000Z', bookerEmail: 'move-a@example.org', attendeeCount: 1, status: 'confirmed' });
    expect((await json(await manage(b.token))).booking).toMatchObject({ start: '2027-01-11T15:00:00.000Z', attendeeCount: 1 });
    // b joins a's new occurrence: the old one had only b, so it is cancelled and its time freed.
    const join = await manage(b.token, 'reschedule', { start: '2027-01-11T17:00:00Z' });
    expect((await json(join)).booking).toMatchObject({ id: moved.id, attendeeCount: 2 });
    const slots = await json(await call('/api/public/pages/west-webinar/slots?from=2027-01-11T15:00:00Z&to=2027-01-11T18:00:00Z', { now }));
    expect(slots.slots.map((s: { start: string; seatsLeft: number }) => [s.start, s.seatsLeft])).toEqual([
      ['2027-01-11T15:00:00.000Z', 10],
      ['2027-01-11T16:00:00.000Z', 10],
      ['2027-01-11T17:00:00.000Z', 8],
    ]);
    const report = await (await import('../../src/db/integrity')).integrityReport(env.DB);
    expect(report.groupsOverCapacity).toBe(0);
    expect(report.claimsOfUnconfirmed).toBe(0);
  });
});

describe('group ICS SEQUENCE never goes backwards', () => {
  /** Every invite emailed to an address, oldest first, as [uid, method, sequence]. */
  async function invitesTo(email: string) {
    const rows = await env.DB.prepare('SELECT ics FROM email_outbox WHERE to_address = ? AND ics IS NOT NULL ORDER BY rowid').bind(email).all<{ ics: string }>();
    return rows.results.map(({ ics }) => {
      const cal = new ICAL.Component(ICAL.parse(ics));
      const event = cal.getFirstSubcomponent('vevent')!;
      return [String(event.getFirstPropertyValue('uid')), String(cal.getFirstPropertyValue('method')), Number(event.getFirstPropertyValue('sequence'))] as [string, string, number];
    });
  }

  /** Each later invite for a UID has a strictly greater SEQUENCE. */
  function expectRising(invites: [string, string, number][]) {
    const last = new Map<string, number>();
    for (const [uid, method, sequence] of invites) {
      if (last.has(uid)) expect(sequence, `${method} ${uid} after SEQUENCE ${last.get(uid)}`).toBeGreaterThan(last.get(uid)!);
      last.set(uid, sequence);
    }
  }

  it('a seat leaves and rejoins, then the host cancels: every booker’s invites rise per UID', async () => {
    const start = '2027-01-19T15:00:00Z';
    const a = await newBooking('west-webinar', start, 'seq-a@example.org');
    await newBooking('west-webinar', start, 'seq-b@example.org');
    expect((await manage(a.token, 'cancel', {})).status).toBe(200);
    const again = await newBooking('west-webinar', start, 'seq-a@example.org');
    expect(again.booking.id).toBe(a.booking.id);
    const invites = await invitesTo('seq-a@example.org');
    expect(invites.map(([, method]) => method)).toEqual(['REQUEST', 'CANCEL', 'REQUEST']);
    expectRising(invites);
    // The downloadable invite carries the occurrence's current SEQUENCE, never an older one.
    const ics = await (await call(`/api/public/manage/${again.token}/invite.ics`, { now })).text();
    expect(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!.getFirstPropertyValue('sequence')).toBe(invites[2][2]);
    const cancel = await call(`/api/bookings/${a.booking.id}/cancel`, { token: await login('rep2@example.com'), body: {}, now });
    expect(cancel.status).toBe(200);
    for (const email of ['seq-a@example.org', 'seq-b@example.org']) expectRising(await invitesTo(email));
    expect((await invitesTo('seq-a@example.org')).at(-1)![1]).toBe('CANCEL');
  });

  it('a seat moves away and back, another seat moves in: invites rise per UID', async () => {
    const first = '2027-01-20T15:00:00Z';
    const a = await newBooking('west-webinar', first, 'seq-move-a@example.org');
    await newBooking('west-webinar', first, 'seq-move-b@example.org');
    const c = await newBooking('west-webinar', '2027-01-20T18:00:00Z', 'seq-move-c@example.org');
    expect((await manage(a.token, 'reschedule', { start: '2027-01-20T17:00:00Z' })).status).toBe(200);
    expect((await manage(a.token, 'reschedule', { start: first })).status).toBe(200);
    expect((await manage(c.token, 'reschedule', { start: first })).status).toBe(200);
    const invites = await invitesTo('seq-move-a@example.org');
    expect(invites.filter(([uid]) => uid === a.booking.icsUid).map(([, method]) => method)).toEqual(['REQUEST', 'CANCEL', 'REQUEST']);
    expectRising(invites);
    expectRising(await invitesTo('seq-move-c@example.org'));
    const res = await call(`/api/bookings/${a.booking.id}/reschedule`, { token: await login('rep2@example.com'), body: { start: '2027-01-20T19:00:00Z' }, now });
    expect(res.status).toBe(200);
    for (const who of ['a', 'b', 'c']) expectRising(await invitesTo(`seq-move-${who}@example.org`));
  });
});

describe('round robin on a booker’s reschedule', () => {
  it('a busy host’s booking goes to the least recent free host (not the lowest id) and moves the cursor', async () => {
    const admin = await login('admin@example.com');
    const created = await call('/api/scheduling-pages', {
      token: admin,
      now,
      body: {
        slug: 'rr-reschedule',
        title: 'Rotation on reschedule',
        durationMinutes: 30,
        timezone: 'America/New_York',
        locationType: 'phone',
        locationValue: '+1 555 0142',
        strategy: 'round_robin',
        hosts: [
          { userId: 2, weight: 1 },
          { userId: 3, weight: 1 },
          { userId: 4, weight: 5 },
        ],
      },
    });
    expect(created.status).toBe(201);
    const pageId = (await json(created)).page.id;
    const cursors = async () =>
      (await env.DB.prepare('SELECT user_id, rotation FROM round_robin_cursors WHERE page_id = ? ORDER BY rotation').bind(pageId).all<{ user_id: number }>()).results.map((r) => r.user_id);
    // Nobody assigned yet: weight 5 first (4), then the tie of weight 1 by id (2). Host 3 is never picked.
    const mine = await newBooking('rr-reschedule', '2027-01-21T14:00:00Z', 'rr-move@example.org');
    expect(await hostOf(mine.booking.id)).toBe(4);
    expect(await hostOf((await newBooking('rr-reschedule', '2027-01-21T14:30:00Z', 'rr-other@example.org')).booking.id)).toBe(2);
    expect(await cursors()).toEqual([4, 2]);
    // Host 4 is busy at the new time: 2 and 3 are free, and 3 has never had a booking.
    await newBooking('rosa-demo', '2027-01-21T16:15:00Z', 'rr-busy4@example.org');
    const moved = await manage(mine.token, 'reschedule', { start: '2027-01-21T16:30:00Z' });
    expect(moved.status).toBe(200);
    const second = (await json(moved)).booking;
    expect(await hostOf(second.id)).toBe(3);
    expect(await cursors()).toEqual([4, 2, 3]);
    // Host 3 is busy next: 2 and 4 are free, and 4 is the least recent.
    const busy3 = await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2027-01-21T18:00:00Z', name: 'Busy', email: 'rr-busy3@example.org', answers: { company: 'X' } }, now });
    expect(busy3.status).toBe(201);
    const third = await manage(mine.token, 'reschedule', { start: '2027-01-21T18:00:00Z' });
    expect(third.status).toBe(200);
    expect(await hostOf((await json(third)).booking.id)).toBe(4);
    expect(await cursors()).toEqual([2, 3, 4]);
    const row = await env.DB.prepare('SELECT last_assigned_at t FROM round_robin_cursors WHERE page_id = ? AND user_id = 4').bind(pageId).first<{ t: number }>();
    expect(row!.t).toBe(NOW.getTime());
  });
});

describe('every booker email offers the manage link', () => {
  /** The manage link in the newest email of that kind to that address for the booking. */
  async function linkIn(bookingId: string, kind: string, to: string) {
    const row = await env.DB.prepare('SELECT text_body FROM email_outbox WHERE booking_id = ? AND kind = ? AND to_address = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .bind(bookingId, kind, to)
      .first<{ text_body: string }>();
    const m = row!.text_body.match(/\/b\/[a-z0-9-]+\/manage\/([A-Za-z0-9_-]{43})/);
    expect(m, row!.text_body).not.toBeNull();
    return m![1];
  }

  it('a host’s new time comes with a working link; the first one keeps working; regenerating kills both', async () => {
    const first = await newBooking('rosa-demo', '2027-01-12T14:00:00Z', 'links@example.org');
    const rep2 = await login('rep2@example.com');
    const res = await call(`/api/bookings/${first.booking.id}/reschedule`, { token: rep2, body: { start: '2027-01-12T15:30:00Z' }, now });
    expect(res.status).toBe(200);
    const moved = (await json(res)).booking;
    const second = await linkIn(moved.id, 'host_rescheduled', 'links@example.org');
    expect(second).not.toBe(first.token);
    for (const token of [first.token, second]) expect((await json(await manage(token))).booking).toMatchObject({ id: moved.id, start: '2027-01-12T15:30:00.000Z' });
    // The booker moves it again from the second link: that confirmation brings a third.
    const again = await manage(second, 'reschedule', { start: '2027-01-12T16:15:00Z' });
    expect(again.status).toBe(200);
    const latest = (await json(again)).booking;
    const third = await linkIn(latest.id, 'booking_confirmation', 'links@example.org');
    expect((await manage(third)).status).toBe(200);
    // Only hashes are stored.
    const stored = await env.DB.prepare('SELECT hash FROM manage_tokens WHERE series_id = ?').bind(first.booking.seriesId).all<{ hash: string }>();
    expect(stored.results).toHaveLength(3);
    for (const { hash } of stored.results) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    // The host hands out a new link: every earlier one is dead at once.
    const fresh = ((await json(await call(`/api/bookings/${latest.id}/manage-link`, { token: rep2, body: {}, now }))).manageUrl as string).split('/').pop()!;
    for (const token of [first.token, second, third]) expect((await manage(token)).status).toBe(404);
    expect((await manage(fresh)).status).toBe(200);
  });

  it('group: a host’s new time gives each booker a link to their own seat; a seat’s move brings one too', async () => {
    const a = await newBooking('west-webinar', '2027-01-13T15:00:00Z', 'links-a@example.org');
    const b = await newBooking('west-webinar', '2027-01-13T15:00:00Z', 'links-b@example.org');
    const res = await call(`/api/bookings/${a.booking.id}/reschedule`, { token: await login('rep2@example.com'), body: { start: '2027-01-13T17:00:00Z' }, now });
    expect(res.status).toBe(200);
    const occurrence = (await json(res)).booking;
    const linkA = await linkIn(occurrence.id, 'host_rescheduled', 'links-a@example.org');
    const linkB = await linkIn(occurrence.id, 'host_rescheduled', 'links-b@example.org');
    expect((await json(await manage(linkA))).booking.bookerEmail).toBe('links-a@example.org');
    expect((await json(await manage(linkB))).booking.bookerEmail).toBe('links-b@example.org');
    // b moves their seat; the confirmation of the new time carries a link to b's seat.
    const moved = await manage(b.token, 'reschedule', { start: '2027-01-13T19:00:00Z' });
    expect(moved.status).toBe(200);
    const linkAfterMove = await linkIn((await json(moved)).booking.id, 'booking_confirmation', 'links-b@example.org');
    expect((await json(await manage(linkAfterMove))).booking).toMatchObject({ bookerEmail: 'links-b@example.org', start: '2027-01-13T19:00:00.000Z' });
    expect((await json(await manage(linkB))).booking.start).toBe('2027-01-13T19:00:00.000Z');
  });
});

describe('invite download', () => {
  it('serves the booking as an .ics REQUEST with its UID and sequence', async () => {
    const { token, booking } = await newBooking('rosa-demo', '2027-01-08T14:00:00Z');
    const res = await call(`/api/public/manage/${token}/invite.ics`, { now });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const ics = await res.text();
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain(`UID:${booking.icsUid}`);
    expect(ics).toContain('SEQUENCE:0');
    expect((await call(`/api/public/manage/${'Q'.repeat(43)}/invite.ics`)).status).toBe(404);
  });
});

describe('manage page HTML', () => {
  it('renders for the right slug and 404s for another page’s slug', async () => {
    const { token } = await newBooking('rosa-demo', '2027-01-07T14:00:00Z');
    const ok = await call(`/b/rosa-demo/manage/${token}`, { now });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await ok.text()).toContain('Product demo');
    const wrong = await call(`/b/ravi-intro/manage/${token}`, { now });
    expect(wrong.status).toBe(404);
    const unknown = await call(`/b/rosa-demo/manage/${'B'.repeat(43)}`, { now });
    expect(unknown.status).toBe(404);
    expect(await wrong.text()).toBe(await unknown.text());
  });
});
