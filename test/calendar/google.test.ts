import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from 'jose';
import { call, env, json, login, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

type FakeEvent = { id: string; start: string; end: string; hangoutLink: string; deleted: boolean; calendarOf: string };

/** A Google Calendar of the same REST shape, behind an intercepted fetch. */
function fakeGoogle(opts: { failInsert?: number; busy?: { start: string; end: string }[] } = {}) {
  const events = new Map<string, FakeEvent>();
  const calls: { method: string; path: string; sub?: string }[] = [];
  let insertFailures = opts.failInsert ?? 0;
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
      return Response.json({ calendars: { primary: { busy: sub === 'rep1@example.com' ? (opts.busy ?? []) : [] } } });
    }
    const m = url.pathname.match(/^\/calendar\/v3\/calendars\/primary\/events(?:\/(.+))?$/);
    if (!m) return new Response('not found', { status: 404 });
    if (req.method === 'POST') {
      if (insertFailures-- > 0) return new Response('backend error', { status: 503 });
      const body = (await req.json()) as any;
      expect(body.conferenceData.createRequest.conferenceSolutionKey.type).toBe('hangoutsMeet');
      const id = `evt${events.size + 1}`;
      const event = { id, start: body.start.dateTime, end: body.end.dateTime, hangoutLink: `https://meet.google.com/${id}-abc`, deleted: false, calendarOf: sub! };
      events.set(id, event);
      return Response.json(event);
    }
    const event = events.get(decodeURIComponent(m[1]));
    if (!event) return new Response('gone', { status: 404 });
    if (req.method === 'PATCH') {
      const body = (await req.json()) as any;
      Object.assign(event, { start: body.start.dateTime, end: body.end.dateTime });
      return Response.json(event);
    }
    if (req.method === 'DELETE') {
      event.deleted = true;
      return new Response(null, { status: 204 });
    }
    return new Response('bad method', { status: 405 });
  });
  return { events, calls };
}

afterEach(() => vi.restoreAllMocks());

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
    const { booking } = await json(res);
    expect(booking.meetingUrl).toBe('https://meet.google.com/evt1-abc');
    expect(booking.calendarEventId).toBe('evt1');
    expect(google.events.get('evt1')!.calendarOf).toBe('rep1@example.com');
    const mail = await env.DB.prepare("SELECT text_body FROM email_outbox WHERE booking_id = ? AND kind = 'booking_confirmation'").bind(booking.id).first<{ text_body: string }>();
    expect(mail!.text_body).toContain('https://meet.google.com/evt1-abc');
  });

  it('reschedule patches the same event: same event id, same Meet URL', async () => {
    const { booking } = await json(
      await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-03T14:00:00Z', name: 'Hal', email: 'hal@example.org', answers: { company: 'H' } }, now }),
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
    const { booking } = await json(
      await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-04T14:00:00Z', name: 'Ivy', email: 'ivy@example.org', answers: { company: 'I' } }, now }),
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

describe('calendar failures never lose the booking', () => {
  it('a Google outage leaves the booking confirmed with the error visible', async () => {
    fakeGoogle({ failInsert: 10 });
    const res = await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-07T14:00:00Z', name: 'Jo', email: 'jo@example.org', answers: { company: 'J' } }, now });
    expect(res.status).toBe(201);
    const { booking } = await json(res);
    expect(booking).toMatchObject({ status: 'confirmed', meetingUrl: null, calendarStatus: 'failed' });
    expect(booking.calendarError).toContain('503');
  });

  it('a transient failure is retried', async () => {
    const google = fakeGoogle({ failInsert: 1 });
    const res = await call('/api/public/pages/ravi-intro/bookings', { body: { start: '2026-12-08T14:00:00Z', name: 'Kim', email: 'kim@example.org', answers: { company: 'K' } }, now });
    const { booking } = await json(res);
    expect(booking.calendarStatus).toBe('created');
    expect(google.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/events')).length).toBe(2);
  });
});
