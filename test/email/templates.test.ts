/**
 * SPEC 10 emails: a booker's mail in the booker's language, a host's in the host's own
 * `locale`, HTML (escaped, with add-to-calendar links) and a plain-text part every time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

type Mail = { kind: string; to_address: string; subject: string; html: string; text_body: string; ics: string | null };
const mails = async (bookingId: string, kind: string) =>
  (await env.DB.prepare('SELECT kind, to_address, subject, html, text_body, ics FROM email_outbox WHERE booking_id = ? AND kind = ? ORDER BY created_at, rowid').bind(bookingId, kind).all<Mail>()).results;

/** Free December starts of a page (December: month names differ by language). */
async function decemberSlots(slug: string): Promise<string[]> {
  const res = await call(`/api/public/pages/${slug}/slots?from=2026-12-01T00:00:00Z&to=2026-12-20T00:00:00Z`, { now });
  return ((await json(res)).slots as { start: string }[]).map((s) => s.start);
}

async function book(slug: string, start: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await call(`/api/public/pages/${slug}/bookings`, { body: { start, timezone: 'Europe/Berlin', ...body }, now, headers });
  expect(res.status, await res.clone().text()).toBe(201);
  const answer = await json(res);
  return { booking: answer.booking, token: (answer.manageUrl as string).split('/').pop()! };
}

function expectBothParts(m: Mail) {
  expect(m.html).toMatch(/^<!doctype html><html lang="[a-zA-Z-]+">/);
  expect(m.html).toContain('<table role="presentation"');
  expect(m.html).not.toMatch(/<img|@import|<link|src="http/);
  expect(m.text_body.length).toBeGreaterThan(20);
  expect(m.text_body).not.toMatch(/<(table|td|p|br|a) ?/);
}

describe('a German booker', () => {
  it('gets the confirmation, the host’s new time and the cancellation in German, with Intl month names', async () => {
    const [start, later] = await decemberSlots('jonas-beratung');
    const { booking, token } = await book('jonas-beratung', start, { name: 'Greta Beispiel', email: 'greta@beispiel.test', locale: 'de-DE' });
    expect(await env.DB.prepare('SELECT booker_locale l FROM bookings WHERE id = ?').bind(booking.id).first('l')).toBe('de');

    const [confirmation] = await mails(booking.id, 'booking_confirmation');
    expectBothParts(confirmation);
    expect(confirmation.subject).toBe('Bestätigt: Beratung mit Jonas mit Jonas Rep');
    expect(confirmation.html).toContain('<html lang="de">');
    expect(confirmation.text_body).toContain('Hallo Greta Beispiel,');
    expect(confirmation.text_body).toContain('Dezember 2026');
    expect(confirmation.text_body).toMatch(/(Montag|Dienstag|Mittwoch|Donnerstag|Freitag), \d+\. Dezember 2026 um \d{1,2}:\d\d/);
    expect(confirmation.text_body).toContain('Google Kalender: https://calendar.google.com/calendar/render?action=TEMPLATE');
    expect(confirmation.ics).toContain('METHOD:REQUEST');

    // The host (English) proposes a new time: the booker still reads German.
    const host = await login('rep3@example.com');
    const moved = await call(`/api/bookings/${booking.id}/reschedule`, { token: host, body: { start: later, message: 'Passt es später?' }, now });
    expect(moved.status, await moved.clone().text()).toBe(200);
    const newId = (await json(moved)).booking.id;
    const [proposal] = await mails(newId, 'host_rescheduled');
    expectBothParts(proposal);
    expect(proposal.subject).toBe('Neue Zeit vorgeschlagen: Beratung mit Jonas');
    expect(proposal.text_body).toContain('Jonas Rep hat eine neue Zeit für Beratung mit Jonas vorgeschlagen.');
    expect(proposal.text_body).toContain('Nachricht von Jonas Rep: Passt es später?');
    expect(proposal.text_body).toContain('Dezember');

    const cancelled = await call(`/api/public/manage/${token}/cancel`, { body: { reason: 'Krank' }, now });
    expect(cancelled.status).toBe(200);
    const [cancellation] = await mails(newId, 'cancellation_booker');
    expectBothParts(cancellation);
    expect(cancellation.subject).toBe('Abgesagt: Beratung mit Jonas');
    expect(cancellation.text_body).toMatch(/Beratung mit Jonas am .*Dezember 2026.* wurde abgesagt\./);
    expect(cancellation.text_body).toContain('Grund: Krank');
    expect(cancellation.ics).toContain('METHOD:CANCEL');
  });

  it('without `locale`, the request’s Accept-Language decides; a language we do not speak falls back', async () => {
    const [a, b] = await decemberSlots('rosa-demo');
    const es = await book('rosa-demo', a, { name: 'Lucía Pérez', email: 'lucia@ejemplo.test' }, { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    expect((await mails(es.booking.id, 'booking_confirmation'))[0].subject).toBe('Confirmada: Product demo con Rosa Rep');
    const ja = await book('rosa-demo', b, { name: 'Aiko Sato', email: 'aiko@example.test', locale: 'ja-JP' }, { 'accept-language': 'fr' });
    expect(await env.DB.prepare('SELECT booker_locale l FROM bookings WHERE id = ?').bind(ja.booking.id).first('l')).toBe('fr');
  });

  it('refuses a `locale` that is not a language tag, writing nothing', async () => {
    const [start] = await decemberSlots('rosa-demo');
    const res = await call('/api/public/pages/rosa-demo/bookings', { body: { start, name: 'Bad Tag', email: 'bad.tag@example.test', locale: 'de DE!' }, now });
    expect(res.status).toBe(400);
    expect((await json(res)).error.issues[0].path).toEqual(['locale']);
    expect(await env.DB.prepare("SELECT COUNT(*) n FROM bookings WHERE booker_email = 'bad.tag@example.test'").first('n')).toBe(0);
  });
});

describe('a host’s own language', () => {
  it('the host’s notice follows users.locale, the booker’s confirmation the booker’s', async () => {
    await env.DB.prepare("UPDATE users SET locale = 'fr' WHERE email = 'rep2@example.com'").run();
    const [, , start] = await decemberSlots('rosa-demo');
    const { booking } = await book('rosa-demo', start, { name: 'Ed English', email: 'ed@example.test', locale: 'en' });
    const [notice] = await mails(booking.id, 'booking_host_notification');
    expectBothParts(notice);
    expect(notice.to_address).toBe('rep2@example.com');
    expect(notice.subject).toBe('Nouvelle réservation : Product demo avec Ed English');
    expect(notice.html).toContain('<html lang="fr">');
    expect(notice.text_body).toContain('décembre 2026');
    const [confirmation] = await mails(booking.id, 'booking_confirmation');
    expect(confirmation.subject).toBe('Confirmed: Product demo with Rosa Rep');
    expect(confirmation.text_body).toContain('December');
    await env.DB.prepare("UPDATE users SET locale = 'en' WHERE email = 'rep2@example.com'").run();
  });
});

describe('HTML and text parts', () => {
  it('escape what the booker typed and carry calendar links with the right UTC times', async () => {
    const [start] = await decemberSlots('ravi-intro');
    const name = '<b>Bo & "Co"</b> #1';
    const { booking, token } = await book('ravi-intro', start, { name, email: 'bo.co@example.test', locale: 'en', answers: { company: 'A&B <Ltd>' } });
    const [m] = await mails(booking.id, 'booking_confirmation');
    expectBothParts(m);
    expect(m.html).not.toContain('<b>Bo');
    expect(m.html).toContain('&lt;b&gt;Bo &amp; &quot;Co&quot;&lt;/b&gt; #1');
    expect(m.text_body).toContain(`Hi ${name},`);
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace('.000', '');
    const end = new Date(Date.parse(start) + 30 * 60_000).toISOString();
    const google = m.text_body.match(/Google Calendar: (\S+)/)![1];
    expect(new URL(google).searchParams.get('dates')).toBe(`${stamp(start)}/${stamp(end)}`);
    expect(new URL(google).searchParams.get('text')).toBe('Intro call with Ravi');
    const outlook = new URL(m.text_body.match(/Outlook: (\S+)/)![1]);
    expect(outlook.searchParams.get('startdt')).toBe(start.replace('.000', ''));
    expect(m.text_body).toContain(`/api/public/manage/${token}/invite.ics`);
    // In the HTML the links' & are entities, so the markup stays valid.
    expect(m.html).toContain('https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Intro%20call%20with%20Ravi');
  });
});

describe('the dev mailbox', () => {
  it('shows each email’s HTML part in a sandboxed frame, served with a CSP that lets its inline styles apply and nothing run', async () => {
    const page = await (await call('/dev/mailbox')).text();
    const id = page.match(/<iframe class="mail-html" sandbox="" src="\/dev\/mailbox\/([A-Za-z0-9-]+)"/)![1];
    const { devMailboxRoutes } = await import('../../src/routes/dev-mailbox');
    const res = await devMailboxRoutes.request(`/dev/mailbox/${id}`, {}, env);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox");
    expect(await res.text()).toMatch(/^<!doctype html><html lang=/);
    expect((await devMailboxRoutes.request('/dev/mailbox/no-such-mail', {}, env)).status).toBe(404);
  });
});
