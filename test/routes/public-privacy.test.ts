/**
 * SPEC 15 "Group seats are private" and "Public answers": every public answer is built from the
 * caller's own seat or booking and carries only what the booker gave and needs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { call, env, json, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

/** Every key a public booking answer may have. */
const PUBLIC_KEYS = new Set([
  'id', 'seriesId', 'pageSlug', 'pageTitle', 'status', 'start', 'end', 'timezone', 'strategy',
  'bookerName', 'bookerEmail', 'bookerPhone', 'bookerTimezone', 'notes', 'answers',
  'locationType', 'locationValue', 'meetingUrl', 'durationMinutes', 'icsUid', 'icsSequence',
  'cancelReason', 'cancelledBy', 'attendeeCount', 'seatsLeft',
]);
const INTERNAL = ['personId', 'hostId', 'hostIds', 'pageId', 'capacity', 'attendance', 'hostMessage', 'briefingSentAt', 'calendarEventId',
  'calendarStatus', 'calendarError', 'emailStatus', 'emailAttempts', 'emailLastError', 'emailProviderId', 'createdAt', 'attendees'];

function expectPublic(booking: Record<string, unknown>) {
  expect(Object.keys(booking).filter((k) => !PUBLIC_KEYS.has(k))).toEqual([]);
  for (const key of INTERNAL) expect(booking).not.toHaveProperty(key);
}

type Person = { name: string; email: string; phone: string; notes: string; timezone: string };
const ann: Person = { name: 'Ann First', email: 'ann.first@privacy.test', phone: '+1 555 0001', notes: 'Ann private note', timezone: 'Asia/Tokyo' };
const ben: Person = { name: 'Ben Second', email: 'ben.second@privacy.test', phone: '+44 20 0002', notes: 'Ben own note', timezone: 'Europe/London' };

async function book(slug: string, start: string, p: Person, answers: Record<string, string> = {}) {
  const res = await call(`/api/public/pages/${slug}/bookings`, { body: { start, ...p, answers }, now });
  expect(res.status).toBe(201);
  const text = await res.text();
  const body = JSON.parse(text);
  return { text, booking: body.booking, token: (body.manageUrl as string).split('/').pop()! };
}

const manage = (token: string, action?: 'cancel' | 'reschedule', body: unknown = {}) =>
  call(`/api/public/manage/${token}${action ? `/${action}` : ''}`, action ? { body, now } : { now });

/** The answer is the caller's own seat: their details, none of the other booker's. */
function expectOwnSeat(text: string, booking: Record<string, unknown>, own: Person, other: Person) {
  expect(booking).toMatchObject({ bookerName: own.name, bookerEmail: own.email, bookerPhone: own.phone, notes: own.notes, bookerTimezone: own.timezone });
  for (const leak of [other.name, other.email, other.phone, other.notes, other.timezone]) expect(text).not.toContain(leak);
  expectPublic(booking);
}

describe('group seats are private', () => {
  it('the second booker’s 201, manage answers and invite show only their own seat', async () => {
    const start = '2027-01-14T15:00:00Z';
    const a = await book('west-webinar', start, ann);
    const b = await book('west-webinar', start, ben);
    expect(b.booking.id).toBe(a.booking.id);
    expectOwnSeat(b.text, b.booking, ben, ann);
    expectOwnSeat(a.text, a.booking, ann, ben);
    expect(b.booking).toMatchObject({ strategy: 'group', attendeeCount: 2, seatsLeft: 8, status: 'confirmed' });

    const got = await manage(b.token);
    const gotText = await got.text();
    expectOwnSeat(gotText, JSON.parse(gotText).booking, ben, ann);

    const ics = await (await manage(`${b.token}/invite.ics`)).text();
    for (const leak of [ann.name, ann.email]) expect(ics).not.toContain(leak);
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    expect(event.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase())).toEqual([`mailto:${ben.email}`]);

    const html = await (await call(`/b/west-webinar/manage/${b.token}`, { now })).text();
    expect(html).toContain('Europe/London'); // Ben's own zone
    for (const leak of [ann.name, ann.email, ann.timezone]) expect(html).not.toContain(leak);

    const moved = await manage(b.token, 'reschedule', { start: '2027-01-14T17:00:00Z' });
    expect(moved.status).toBe(200);
    const movedText = await moved.text();
    expectOwnSeat(movedText, JSON.parse(movedText).booking, ben, ann);

    // Back into Ann's occurrence, then Ann leaves: Ben is the last seat and his cancel ends it.
    expect((await manage(b.token, 'reschedule', { start })).status).toBe(200);
    const left = await manage(a.token, 'cancel', { reason: 'Ann cannot come' });
    const leftText = await left.text();
    expectOwnSeat(leftText, JSON.parse(leftText).booking, ann, ben);
    expect(JSON.parse(leftText).booking.status).toBe('cancelled');
    const last = await manage(b.token, 'cancel', {});
    expect(last.status).toBe(200);
    const lastText = await last.text();
    expectOwnSeat(lastText, JSON.parse(lastText).booking, ben, ann);
    expect(JSON.parse(lastText).booking.status).toBe('cancelled');
  });
});

describe('public answers carry no internal fields', () => {
  it('individual, round robin and collective: the 201, manage GET and manage POSTs', async () => {
    const cases: [string, string, string, Record<string, string>][] = [
      ['ravi-intro', '2027-01-15T15:00:00Z', '2027-01-15T16:00:00Z', { company: 'Acme' }],
      ['west-sales', '2027-01-15T18:00:00Z', '2027-01-15T19:00:00Z', {}],
      ['deal-review', '2027-01-15T20:00:00Z', '2027-01-15T21:00:00Z', {}],
    ];
    for (const [slug, start, later, answers] of cases) {
      const made = await book(slug, start, ann, answers);
      expectPublic(made.booking);
      expect(made.booking).toMatchObject({ bookerEmail: ann.email, answers, pageSlug: slug, icsSequence: 0 });
      expect(made.booking).not.toHaveProperty('attendeeCount');
      expectPublic((await json(await manage(made.token))).booking);
      const moved = await json(await manage(made.token, 'reschedule', { start: later }));
      expectPublic(moved.booking);
      expect(moved.booking).toMatchObject({ start: new Date(later).toISOString(), icsSequence: 1, seriesId: made.booking.seriesId });
      const cancelled = await json(await manage(made.token, 'cancel', { reason: 'No longer needed' }));
      expectPublic(cancelled.booking);
      expect(cancelled.booking).toMatchObject({ status: 'cancelled', cancelReason: 'No longer needed', cancelledBy: 'booker' });
    }
  });

  it('an existing customer’s email gives an answer indistinguishable from a new one', async () => {
    // alice@acme.test is a seeded CRM customer with a different name and phone on file.
    const known = await book('rosa-demo', '2027-01-18T14:00:00Z', { ...ann, email: 'alice@acme.test' });
    const fresh = await book('rosa-demo', '2027-01-18T16:15:00Z', { ...ann, email: 'nobody.yet@privacy.test' });
    const strip = (b: Record<string, unknown>) => {
      const { id, seriesId, icsUid, start, end, bookerEmail, ...rest } = b;
      return rest;
    };
    expect(strip(known.booking)).toEqual(strip(fresh.booking));
    expect(known.booking.bookerName).toBe(ann.name);
    const knownManage = strip((await json(await manage(known.token))).booking);
    expect(knownManage).toEqual(strip((await json(await manage(fresh.token))).booking));
  });
});

describe('the last seat leaving', () => {
  it('cancels the occurrence without showing the earlier leaver that booker’s reason, and the host hears who left', async () => {
    const start = '2027-01-21T15:00:00Z';
    const a = await book('west-webinar', start, ann);
    const b = await book('west-webinar', start, ben);
    expect((await manage(a.token, 'cancel', { reason: 'Ann reason' })).status).toBe(200);
    expect((await manage(b.token, 'cancel', { reason: 'Ben private: a hearing' })).status).toBe(200);
    const annView = await manage(a.token);
    const text = await annView.text();
    expect(JSON.parse(text).booking).toMatchObject({ status: 'cancelled', cancelReason: null });
    expect(text).not.toContain('Ben private');
    expect(await (await call(`/b/west-webinar/manage/${a.token}`, { now })).text()).not.toContain('Ben private');
    // Ben's own seat is cancelled with the occurrence, and the host's email names Ben, not Ann.
    const { results: seats } = await env.DB.prepare('SELECT email, status FROM booking_attendees WHERE booking_id = ? ORDER BY email').bind(a.booking.id).all();
    expect(seats).toEqual([{ email: ann.email, status: 'cancelled' }, { email: ben.email, status: 'cancelled' }]);
    const hostMail = await env.DB.prepare("SELECT text_body t FROM email_outbox WHERE booking_id = ? AND kind = 'cancellation_host' ORDER BY created_at DESC, rowid DESC LIMIT 1").bind(a.booking.id).first<{ t: string }>();
    expect(hostMail!.t).toContain(ben.name);
    expect(hostMail!.t).not.toContain(ann.name);
  });
});
