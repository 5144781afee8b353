/**
 * A booker who moves away (their group seat to another time, or a round robin booking to
 * another host) is told so in their own language, and the old host in theirs: the sentence
 * comes from the catalogues at render time, never an English string stored with the booking.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

type Mail = { to_address: string; subject: string; html: string; text_body: string };
const mails = async (bookingId: string, kind: string) =>
  (await env.DB.prepare('SELECT to_address, subject, html, text_body FROM email_outbox WHERE booking_id = ? AND kind = ? ORDER BY rowid').bind(bookingId, kind).all<Mail>()).results;

async function book(slug: string, start: string, body: Record<string, unknown>) {
  const res = await call(`/api/public/pages/${slug}/bookings`, { body: { start, timezone: 'Europe/Berlin', ...body }, now });
  expect(res.status, await res.clone().text()).toBe(201);
  const answer = await json(res);
  return { booking: answer.booking, token: (answer.manageUrl as string).split('/').pop()! };
}

const setLocale = (email: string, locale: string) => env.DB.prepare('UPDATE users SET locale = ? WHERE email = ?').bind(locale, email).run();

describe('a group booker moving their seat', () => {
  it('reads why the old time was cancelled in their language; no English sentence is stored', async () => {
    const { booking, token } = await book('west-webinar', '2026-12-08T15:00:00Z', { name: 'Greta Beispiel', email: 'greta.seat@beispiel.test', locale: 'de' });
    const res = await call(`/api/public/manage/${token}/reschedule`, { body: { start: '2026-12-08T17:00:00Z' }, now, headers: { 'accept-language': 'de' } });
    expect(res.status, await res.clone().text()).toBe(200);
    const moved = (await json(res)).booking;
    expect(moved).toMatchObject({ start: '2026-12-08T17:00:00.000Z', status: 'confirmed' });

    // The old occurrence had only this seat: it is cancelled, and its CANCEL tells her why in German.
    const [cancellation] = await mails(booking.id, 'cancellation_booker');
    expect(cancellation.to_address).toBe('greta.seat@beispiel.test');
    expect(cancellation.subject).toBe('Abgesagt: Onboarding webinar');
    expect(cancellation.text_body).toContain('Grund: Sie haben einen anderen Termin gewählt.');
    expect(cancellation.html).toContain('Sie haben einen anderen Termin gewählt.');
    for (const part of [cancellation.text_body, cancellation.html]) expect(part).not.toMatch(/Moved to another time|moved/i);

    // Nothing English is kept as the booker's reason (the booker gave none).
    const old = await env.DB.prepare('SELECT status, cancelled_by, cancel_reason FROM bookings WHERE id = ?').bind(booking.id).first();
    expect(old).toEqual({ status: 'cancelled', cancelled_by: 'booker', cancel_reason: null });
    const hostView = await json(await call(`/api/bookings/${booking.id}`, { token: await login('rep2@example.com'), now }));
    expect(hostView.booking).toMatchObject({ status: 'cancelled', cancelReason: null });

    // Her manage page is her seat at the new time, in German, with no reason line at all.
    const page = await (await call(`/b/west-webinar/manage/${token}?lang=de`, { now })).text();
    expect(page).toContain('<html lang="de"');
    expect(page).toContain('Dezember 2026');
    expect(page).not.toContain('Moved to another time');
    expect(page).not.toMatch(/<dt>Grund<\/dt>/);
    expect((await json(await call(`/api/public/manage/${token}`, { now }))).booking).toMatchObject({ id: moved.id, status: 'confirmed', cancelReason: null });
  });
});

describe('a round robin booking moving to another host', () => {
  it('tells the old host, in the old host’s language, who took it', async () => {
    const first = await book('west-sales', '2026-12-09T15:00:00Z', { name: 'Rae Booker', email: 'rae.rr@example.test', locale: 'en' });
    const assigned = (await env.DB.prepare('SELECT host_id h FROM bookings WHERE id = ?').bind(first.booking.id).first<{ h: number }>())!.h;
    const [oldHost, newHost] = assigned === 3 ? ['rep1@example.com', 'Rosa Rep'] : ['rep2@example.com', 'Ravi Rep'];
    await setLocale(oldHost, 'de');
    try {
      // The assigned host is taken at the new time, so it can only go to the other one.
      const busy = assigned === 3
        ? await book('ravi-intro', '2026-12-09T16:00:00Z', { name: 'Busy', email: 'busy.rr@example.test', answers: { company: 'X' } })
        : await book('rosa-demo', '2026-12-09T16:00:00Z', { name: 'Busy', email: 'busy.rr@example.test' });
      expect(busy.booking.id).toBeTruthy();
      const res = await call(`/api/public/manage/${first.token}/reschedule`, { body: { start: '2026-12-09T16:00:00Z' }, now });
      expect(res.status, await res.clone().text()).toBe(200);

      const [left] = await mails(first.booking.id, 'cancellation_host');
      expect(left.to_address).toBe(oldHost);
      expect(left.html).toContain('<html lang="de">');
      expect(left.subject).toBe('Abgesagt: Talk to sales mit Rae Booker');
      expect(left.text_body).toContain(`Grund: Rae Booker hat den Termin auf eine Zeit mit ${newHost} verschoben`);
      expect(left.text_body).not.toContain('moved it to a time with');
    } finally {
      await setLocale(oldHost, 'en');
    }
  });

  it('an English host still reads the English sentence', async () => {
    const first = await book('west-sales', '2026-12-10T15:00:00Z', { name: 'Sam Booker', email: 'sam.rr@example.test', locale: 'de' });
    const assigned = (await env.DB.prepare('SELECT host_id h FROM bookings WHERE id = ?').bind(first.booking.id).first<{ h: number }>())!.h;
    const newHost = assigned === 3 ? 'Rosa Rep' : 'Ravi Rep';
    if (assigned === 3) await book('ravi-intro', '2026-12-10T16:00:00Z', { name: 'Busy', email: 'busy2.rr@example.test', answers: { company: 'X' } });
    else await book('rosa-demo', '2026-12-10T16:00:00Z', { name: 'Busy', email: 'busy2.rr@example.test' });
    expect((await call(`/api/public/manage/${first.token}/reschedule`, { body: { start: '2026-12-10T16:00:00Z' }, now })).status).toBe(200);
    const [left] = await mails(first.booking.id, 'cancellation_host');
    expect(left.text_body).toContain(`Reason: Sam Booker moved it to a time with ${newHost}`);
  });
});
