import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from 'jose';
import { abortAllDurableObjects } from 'cloudflare:test';
import { integrityReport } from '../../src/db/integrity';
import { call, env, json, login, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

type FakeEvent = { id: string; start: string; end: string; hangoutLink: string; deleted: boolean; calendarOf: string; attendees: string[] };

/**
 * What the fake does to successive event inserts: fail with a status, or create the event
 * and then answer garbage or never answer (the caller's timeout fires).
 */
type InsertFault = 429 | 503 | 'malformed-after-create' | 'timeout-after-create';

/** A Google Calendar of the same REST shape, behind an intercepted fetch. */
function fakeGoogle(opts: { insertFaults?: InsertFault[]; busy?: { start: string; end: string }[]; freeBusyMalformed?: boolean; insertDelayMs?: number } = {}) {
  const events = new Map<string, FakeEvent>();
  const calls: { method: string; path: string; sub?: string }[] = [];
  const insertFaults = [...(opts.insertFaults ?? [])];
  let insertsStarted = 0;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (url.origin === 'https://oauth.google.fake') {
      const form = new URLSearchParams(await req.text());
      const claims = decodeJwt(form.get('assertion')!);
      expect(claims.iss).toBe('scheduler@project.iam.gserviceaccount.com');
      expect(claims.aud).toBe('https://oauth.google.fake/token');
      return Response.json({ access_token: `tok-${claims.sub}`, expires_in: 3600, token_type: 'Bearer' });
    }
    if (url.origin !== 'https://www.google.fake') throw new Error(`unexpected fetch ${req.url}`);
    // Tokens are cached by the app across tests, so the fake reads the subject from the token.
    const sub = req.headers.get('authorization')!.replace('Bearer tok-', '');
    calls.push({ method: req.method, path: url.pathname, sub });
    if (url.pathname === '/calendar/v3/freeBusy') {
      if (opts.freeBusyMalformed) return new Response('<html>oops</html>', { status: 200, headers: { 'content-type': 'text/html' } });
      return Response.json({ calendars: { primary: { busy: sub === 'rep1@example.com' ? (opts.busy ?? []) : [] } } });
    }
    const m = url.pathname.match(/^\/calendar\/v3\/calendars\/primary\/events(?:\/(.+))?$/);
    if (!m) return new Response('not found', { status: 404 });
    if (req.method === 'POST') {
      insertsStarted++;
      if (opts.insertDelayMs) await new Promise((r) => setTimeout(r, opts.insertDelayMs));
      const fault = insertFaults.shift();
      if (typeof fault === 'number') return new Response('backend error', { status: fault });
      const body = (await req.json()) as any;
      expect(body.conferenceData.createRequest.conferenceSolutionKey.type).toBe('hangoutsMeet');
      // Like Google: the client may choose the id (base32hex); a taken id is a 409.
      const id = body.id ?? `evt${events.size + 1}`;
      expect(id).toMatch(/^[0-9a-v]{5,1024}$/);
      if (events.has(id)) return Response.json({ error: { code: 409, message: 'The requested identifier already exists.' } }, { status: 409 });
      const attendees = (body.attendees ?? []).map((a: { email: string }) => a.email);
      const event = { id, start: body.start.dateTime, end: body.end.dateTime, hangoutLink: `https://meet.google.com/${id.slice(0, 8)}-abc`, deleted: false, calendarOf: sub!, attendees };
      events.set(id, event);
      if (fault === 'malformed-after-create') return new Response('{"id": "trunc', { status: 200, headers: { 'content-type': 'application/json' } });
      if (fault === 'timeout-after-create') throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      return Response.json(event);
    }
    const event = events.get(decodeURIComponent(m[1]));
    if (!event) return new Response('not found', { status: 404 });
    if (req.method === 'GET') return Response.json(event);
    if (event.deleted) return Response.json({ error: { code: 410, message: 'Resource has been deleted' } }, { status: 410 });
    if (req.method === 'PATCH') {
      const body = (await req.json()) as any;
      if (body.start) Object.assign(event, { start: body.start.dateTime, end: body.end.dateTime });
      if (body.attendees) event.attendees = body.attendees.map((a: { email: string }) => a.email);
      return Response.json(event);
    }
    if (req.method === 'DELETE') {
      event.deleted = true;
      return new Response(null, { status: 204 });
    }
    return new Response('bad method', { status: 405 });
  });
  return { events, calls, insertsStarted: () => insertsStarted };
}

afterEach(() => vi.restoreAllMocks());

/** The booking as its host sees it (the public answers carry no calendar fields). */
const hostView = async (bookingId: string) => (await json(await call(`/api/bookings/${bookingId}`, { token: await login('admin@example.com') }))).booking;

const waitFor = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
};

describe('Google Calendar with Meet', () => {
  let google: ReturnType<typeof fakeGoogle>;
  beforeEach(() => {
    google = fakeGoogle({ busy: [{ start: '2026-12-02T15:00:00Z', end: '2026-12-02T16:00:00Z' }] });
  });

  it('creates a Meet event on the host’s calendar and the confirmation carries the join URL', async () => {
    const res = await call('/api/public/pages/ravi-intro/bookings', {
      body: { start: '2026-12-01T14:00:00Z', name: 'Gina', email: 'gina@example.org', answers: { company: 'G' } },
      now,
    });
    expect(res.status).toBe(201);
    const booking = await hostView((await json(res)).booking.id);
    // The event id is the booking's, so a retried create can never make a second event.
    expect(booking.calendarEventId).toBe(booking.id.replaceAll('-', ''));
    expect(booking.meetingUrl).toBe(`https://meet.google.com/${booking.calendarEventId.slice(0, 8)}-abc`);
    expect(google.events.get(booking.calendarEventId)!.calendarOf).toBe('rep1@example.com');
    const mail = await env.DB.prepare("SELECT text_body FROM email_outbox WHERE booking_id = ? AND kind = 'booking_confirmation'").bind(booking.id).first<{ text_body: string }>();
    expect(mail!.text_body).toContain(booking.meetingUrl);
  });

  it('reschedule patches the same event: same event id, same Meet URL', async () => {
    const booking = await hostView(
      (await json(await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-03T14:00:00Z', name: 'Hal', email: 'hal@example.org', answers: { company: 'H' } }, now }))).booking.id,
    );
    const res = await call(`/api/bookings/${booking.id}/reschedule`, { token: await login('rep1@example.com'), body: { start: '2026-12-03T16:00:00Z' }, now });
    expect(res.status).toBe(200);
    const moved = (await json(res)).booking;
    expect(moved.calendarEventId).toBe(booking.calendarEventId);
    expect(moved.meetingUrl).toBe(booking.meetingUrl);
    await waitFor(async () => google.events.get(booking.calendarEventId)!.start === '2026-12-03T16:00:00.000Z');
    expect(google.events.size).toBe(1);
    await waitFor(async () => (await json(await call(`/api/bookings/${moved.id}`, { token: await login('rep1@example.com') }))).booking.calendarStatus === 'updated');
  });

  it('cancel deletes the event', async () => {
    const booking = await hostView(
      (await json(await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-04T14:00:00Z', name: 'Ivy', email: 'ivy@example.org', answers: { company: 'I' } }, now }))).booking.id,
    );
    await call(`/api/bookings/${booking.id}/cancel`, { token: await login('rep1@example.com'), body: {}, now });
    await waitFor(async () => google.events.get(booking.calendarEventId)!.deleted);
  });

  it('busy times from the host’s calendar are not offered', async () => {
    const res = await call('/api/public/pages/ravi-intro/slots?from=2026-12-02T14:00:00Z&to=2026-12-02T17:00:00Z', { now });
    const starts = (await json(res)).slots.map((s: { start: string }) => s.start);
    expect(starts).toEqual(['2026-12-02T14:00:00.000Z', '2026-12-02T14:30:00.000Z', '2026-12-02T16:00:00.000Z', '2026-12-02T16:30:00.000Z']);
  });
});

describe('round robin: a booker’s new time with another host', () => {
  it('moves the meeting: off the old host’s calendar, a Meet event of its own on the new host’s, each host told', async () => {
    const google = fakeGoogle();
    const admin = await login('admin@example.com');
    expect((await call('/api/scheduling-pages/3', { method: 'PATCH', token: admin, body: { locationType: 'google_meet', locationValue: null } })).status).toBe(200);
    const first = await json(await call('/api/public/pages/west-sales/bookings', { body: { start: '2026-12-17T14:00:00Z', name: 'Rae', email: 'rae@example.org' }, now }));
    const before = await hostView(first.booking.id);
    const hosts: Record<number, { email: string; page: string; body: Record<string, unknown> }> = {
      3: { email: 'rep1@example.com', page: 'ravi-intro', body: { answers: { company: 'X' } } },
      4: { email: 'rep2@example.com', page: 'rosa-demo', body: {} },
    };
    const oldHost = hosts[before.hostId];
    const newHostId = before.hostId === 3 ? 4 : 3;
    expect(google.events.get(before.calendarEventId)!.calendarOf).toBe(oldHost.email);
    // The old host is taken at 10:30 New York, so the new time can only go to the other host.
    const busy = await call(`/api/public/pages/${oldHost.page}/bookings`, { body: { start: '2026-12-17T15:30:00Z', name: 'Busy', email: 'busy@example.org', ...oldHost.body }, now });
    expect(busy.status).toBe(201);

    const token = (first.manageUrl as string).split('/').pop()!;
    const res = await call(`/api/public/manage/${token}/reschedule`, { body: { start: '2026-12-17T15:30:00Z' }, now });
    expect(res.status).toBe(200);
    const after = await hostView((await json(res)).booking.id);
    expect(after.hostId).toBe(newHostId);
    const moved = google.events.get(after.calendarEventId)!;
    expect(moved.calendarOf).toBe(hosts[newHostId].email);
    expect(moved.start).toBe('2026-12-17T15:30:00.000Z');
    expect(after).toMatchObject({ calendarStatus: 'created', meetingUrl: moved.hangoutLink, icsUid: before.icsUid, icsSequence: before.icsSequence + 1 });
    await waitFor(async () => google.events.get(before.calendarEventId)!.deleted);
    await waitFor(async () => (await json(await call(`/api/bookings/${before.id}`, { token: admin }))).booking.calendarStatus === 'cancelled');

    const mail = (bookingId: string, kind: string) =>
      env.DB.prepare('SELECT to_address, text_body FROM email_outbox WHERE booking_id = ? AND kind = ?').bind(bookingId, kind).all<{ to_address: string; text_body: string }>();
    const [confirmation] = (await mail(after.id, 'booking_confirmation')).results;
    expect(confirmation.to_address).toBe('rae@example.org');
    expect(confirmation.text_body).toContain(moved.hangoutLink);
    expect((await mail(after.id, 'booking_host_notification')).results.map((m) => m.to_address)).toEqual([hosts[newHostId].email]);
    const [left] = (await mail(before.id, 'cancellation_host')).results;
    expect(left.to_address).toBe(oldHost.email);
    expect(left.text_body).toContain('Rae moved it to a time with');
    await call('/api/scheduling-pages/3', { method: 'PATCH', token: admin, body: { locationType: 'phone', locationValue: '+1 555 0100' } });
  });
});

describe('group occurrences on Google Calendar', () => {
  it('the host’s event lists the bookers as they join, leave and move; a new time gets its own event', async () => {
    const google = fakeGoogle();
    const admin = await login('admin@example.com');
    expect((await call('/api/scheduling-pages/5', { method: 'PATCH', token: admin, body: { locationType: 'google_meet', locationValue: null } })).status).toBe(200);
    const register = async (start: string, name: string) => {
      const res = await call('/api/public/pages/west-webinar/bookings', { body: { start, name, email: `${name.toLowerCase()}@example.org` }, now });
      expect(res.status).toBe(201);
      const body = await json(res);
      return { booking: body.booking, token: (body.manageUrl as string).split('/').pop()! };
    };
    const guests = (eventId: string) => [...google.events.get(eventId)!.attendees].sort();

    const amy = await register('2026-12-18T14:00:00Z', 'Amy');
    const eventId = (await hostView(amy.booking.id)).calendarEventId;
    expect(google.events.get(eventId)!.calendarOf).toBe('rep2@example.com');
    expect(guests(eventId)).toEqual(['amy@example.org']);

    const ben = await register('2026-12-18T14:00:00Z', 'Ben');
    expect(ben.booking.id).toBe(amy.booking.id);
    await waitFor(async () => guests(eventId).length === 2);
    expect(guests(eventId)).toEqual(['amy@example.org', 'ben@example.org']);

    expect((await call(`/api/public/manage/${ben.token}/cancel`, { body: {}, now })).status).toBe(200);
    await waitFor(async () => guests(eventId).length === 1);
    expect(guests(eventId)).toEqual(['amy@example.org']);

    // Amy, the last booker, moves to a new time: a new occurrence with its own Meet event;
    // the old occurrence is cancelled and its event goes.
    const res = await call(`/api/public/manage/${amy.token}/reschedule`, { body: { start: '2026-12-18T15:00:00Z' }, now });
    expect(res.status).toBe(200);
    const moved = await hostView((await json(res)).booking.id);
    expect(moved.id).not.toBe(amy.booking.id);
    const newEvent = google.events.get(moved.calendarEventId)!;
    expect(newEvent).toMatchObject({ start: '2026-12-18T15:00:00.000Z', calendarOf: 'rep2@example.com', attendees: ['amy@example.org'] });
    expect(moved.meetingUrl).toBe(newEvent.hangoutLink);
    await waitFor(async () => google.events.get(eventId)!.deleted);
    await call('/api/scheduling-pages/5', { method: 'PATCH', token: admin, body: { locationType: 'custom', locationValue: 'https://example.com/webinar' } });
  });
});

describe('calendar failures never lose the booking', () => {
  it('a Google outage leaves the booking confirmed with the error visible', async () => {
    fakeGoogle({ insertFaults: Array(10).fill(503) });
    const res = await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-07T14:00:00Z', name: 'Jo', email: 'jo@example.org', answers: { company: 'J' } }, now });
    expect(res.status).toBe(201);
    const booking = await hostView((await json(res)).booking.id);
    expect(booking).toMatchObject({ status: 'confirmed', meetingUrl: null, calendarStatus: 'failed' });
    expect(booking.calendarError).toContain('503');
  });

  it('a transient failure is retried', async () => {
    const google = fakeGoogle({ insertFaults: [503] });
    const res = await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-08T14:00:00Z', name: 'Kim', email: 'kim@example.org', answers: { company: 'K' } }, now });
    const booking = await hostView((await json(res)).booking.id);
    expect(booking.calendarStatus).toBe('created');
    expect(google.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/events')).length).toBe(2);
  });

  it('a rate limit (429) is retried', async () => {
    const google = fakeGoogle({ insertFaults: [429, 429] });
    const booking = await hostView(
      (await json(await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-09T14:00:00Z', name: 'Lou', email: 'lou@example.org', answers: { company: 'L' } }, now }))).booking.id,
    );
    expect(booking).toMatchObject({ status: 'confirmed', calendarStatus: 'created' });
    expect(google.events.size).toBe(1);
  });

  for (const fault of ['malformed-after-create', 'timeout-after-create'] as const) {
    it(`an insert that made the event but answered ${fault === 'malformed-after-create' ? 'garbage' : 'nothing (timeout)'} leaves exactly one event, with its Meet URL on the booking`, async () => {
      const google = fakeGoogle({ insertFaults: [fault] });
      const start = fault === 'malformed-after-create' ? '2026-12-10T14:00:00Z' : '2026-12-11T14:00:00Z';
      const res = await call('/api/public/pages/ravi-intro/bookings', { body: { start, name: 'Mo', email: 'mo@example.org', answers: { company: 'M' } }, now });
      expect(res.status).toBe(201);
      const booking = await hostView((await json(res)).booking.id);
      expect(google.events.size).toBe(1);
      const [event] = google.events.values();
      expect(booking).toMatchObject({ calendarStatus: 'created', calendarEventId: event.id, meetingUrl: event.hangoutLink });
      // The retry hit the id the first try created (409) and read that event back.
      expect(google.calls.filter((c) => c.path.endsWith('/events')).map((c) => c.method)).toEqual(['POST', 'POST']);
      expect(google.calls.some((c) => c.method === 'GET' && c.path.endsWith(`/events/${event.id}`))).toBe(true);
    });
  }

  it('a cancel whose event is already gone counts as done', async () => {
    const google = fakeGoogle();
    const booking = await hostView(
      (await json(await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-14T14:00:00Z', name: 'Ned', email: 'ned@example.org', answers: { company: 'N' } }, now }))).booking.id,
    );
    // The host deleted it in Google Calendar first.
    google.events.get(booking.calendarEventId)!.deleted = true;
    expect((await call(`/api/bookings/${booking.id}/cancel`, { token: await login('rep1@example.com'), body: {}, now })).status).toBe(200);
    await waitFor(async () => (await json(await call(`/api/bookings/${booking.id}`, { token: await login('rep1@example.com') }))).booking.calendarStatus === 'cancelled');
  });

  it('a garbled freeBusy answer still serves slots (working hours only), never a 500', async () => {
    fakeGoogle({ freeBusyMalformed: true });
    const res = await call('/api/public/pages/ravi-intro/slots?from=2026-12-15T14:00:00Z&to=2026-12-15T16:00:00Z', { now });
    expect(res.status).toBe(200);
    expect((await json(res)).slots.map((s: { start: string }) => s.start)).toEqual(['2026-12-15T14:00:00.000Z', '2026-12-15T14:30:00.000Z', '2026-12-15T15:00:00.000Z', '2026-12-15T15:30:00.000Z']);
  });
});

describe('a Durable Object reset in the middle of a reservation', () => {
  it('leaves no half-written booking, and the host’s next booking goes through', async () => {
    // The reservation runs inside the host's object and waits on Google before its D1 batch:
    // a slow answer pins it there while the object is reset.
    const google = fakeGoogle({ insertDelayMs: 500 });
    const start = '2026-12-16T14:00:00Z';
    const pending = call('/api/public/pages/ravi-intro/bookings', { body: { start, name: 'Pat', email: 'pat@example.org', answers: { company: 'P' } }, now });
    while (google.insertsStarted() === 0) await new Promise((r) => setTimeout(r, 5));
    await abortAllDurableObjects();
    const res = await pending;
    // Give the interrupted code time to go on, were it able to: it must not commit anything.
    await new Promise((r) => setTimeout(r, 800));
    // An interrupted reservation is refused with the error envelope, never half-written: a 503
    // the booker may retry (SPEC 15), not a 500.
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect((await json(res)).error.code).toBe('unavailable');
    const rows = await env.DB.prepare("SELECT COUNT(*) n FROM bookings WHERE booker_email = 'pat@example.org'").first<{ n: number }>();
    expect(rows!.n).toBe(0);
    const report = await integrityReport(env.DB);
    expect(report.overlappingBookings).toBe(0);
    expect(report.bookingsWithoutEmail).toBe(0);
    // The object comes back: the same slot books cleanly, once.
    vi.restoreAllMocks();
    fakeGoogle();
    const again = await call('/api/public/pages/ravi-intro/bookings', { body: { start, name: 'Pat', email: 'pat@example.org', answers: { company: 'P' } }, now });
    expect(again.status).toBe(201);
    const second = await call('/api/public/pages/ravi-intro/bookings', { body: { start, name: 'Quinn', email: 'quinn@example.org', answers: { company: 'Q' } }, now });
    expect(second.status).toBe(409);
    expect(google.events.size).toBeLessThanOrEqual(1);
  });
});
