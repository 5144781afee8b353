/**
 * SPEC 10 booker pages: the language (?lang=, Accept-Language, English), the first month's free
 * time inside the HTML (the real slot engine, so no slots request on load), who you meet.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, seed } from '../helpers';

const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

const page = (path: string, headers: Record<string, string> = {}) => call(path, { now, headers });
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const pickerData = (html: string) => JSON.parse(unescape(html.match(/data-booker="([^"]*)"/)![1]));

describe('the booking page’s language', () => {
  it('follows Accept-Language, sets <html lang> and Content-Language', async () => {
    const res = await page('/b/jonas-beratung', { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' });
    const html = await res.text();
    expect(res.headers.get('content-language')).toBe('de');
    expect(res.headers.get('vary')).toMatch(/Accept-Language/i);
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Datum und Uhrzeit wählen');
    expect(html).toContain('30 Min.');
    expect(pickerData(html).messages.timesCount).toEqual({ one: '{n} Termin', other: '{n} Termine' });
  });

  it('?lang= wins; without either it is English', async () => {
    expect(await (await page('/b/jonas-beratung?lang=fr', { 'accept-language': 'de' })).text()).toContain('<html lang="fr">');
    expect(await (await page('/b/jonas-beratung?lang=pt-BR')).text()).toContain('Escolha data e horário');
    const en = await (await page('/b/jonas-beratung')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Select a date &amp; time');
    expect(await (await page('/b/no-such-page', { 'accept-language': 'es' })).text()).toContain('Página no encontrada');
  });
});

describe('the booking page’s first month', () => {
  it('carries this month’s free slots as the slot engine computes them, and the hosts’ names', async () => {
    const html = await (await page('/b/west-sales')).text();
    const data = pickerData(html);
    expect(data).toMatchObject({ mode: 'book', slug: 'west-sales', locale: 'en', pageZone: 'America/New_York', now: NOW.getTime() });
    expect(data.slots.length).toBeGreaterThan(10);
    // Round robin: both hosts, by name only.
    expect(html).toContain('Ravi Rep and Rosa Rep');
    expect(html).not.toMatch(/rep1@example|rep2@example/);
    // Up to this month's end (slack for every zone), never past the horizon.
    expect(data.loadedTo).toBeGreaterThan(Date.parse('2026-12-01T05:00:00Z'));
    expect(data.loadedTo).toBeLessThanOrEqual(Date.parse('2026-12-04T00:00:00Z'));
    expect(data.horizonEnd).toBe(NOW.getTime() + 60 * 86_400_000);
    const api = await call(`/api/public/pages/west-sales/slots?from=${now}&to=${new Date(data.loadedTo).toISOString()}`, { now });
    expect(data.slots).toEqual((await json(api)).slots);
  });

  it('a page with no free time left this month carries the next month with free time', async () => {
    // Jonas (Europe/Berlin) takes the rest of November off.
    for (let day = 23; day <= 30; day++) {
      await env.DB.prepare('INSERT INTO availability_overrides (user_id, date, start_minute, end_minute, unavailable) VALUES (6, ?, NULL, NULL, 1)').bind(`2026-11-${day}`).run();
    }
    const data = pickerData(await (await page('/b/jonas-beratung')).text());
    expect(data.slots.length).toBeGreaterThan(10);
    expect(data.slots[0].start >= '2026-11-30T23:00:00.000Z').toBe(true);
    expect(data.loadedTo).toBeGreaterThan(Date.parse('2026-12-31T23:00:00Z'));
  });
});

describe('the manage page', () => {
  it('says what, when, who and where in the booker’s language, with add-to-calendar links', async () => {
    const slots = (await json(await call('/api/public/pages/jonas-beratung/slots?from=2026-12-01T00:00:00Z&to=2026-12-10T00:00:00Z', { now }))).slots;
    const res = await call('/api/public/pages/jonas-beratung/bookings', { body: { start: slots[0].start, name: 'Greta Beispiel', email: 'greta.manage@beispiel.test', timezone: 'Asia/Kolkata', locale: 'de' }, now });
    const { manageUrl } = await json(res);
    const path = new URL(manageUrl).pathname;
    const html = await (await page(`${path}?booked=1`, { 'accept-language': 'de-DE' })).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Ihr Termin ist gebucht');
    expect(html).toContain('Jonas Rep');
    expect(html).toContain('Greta Beispiel');
    expect(html).toContain('Dezember 2026');
    // The booker's zone, and the host's because it differs.
    expect(html).toContain('Asia/Kolkata');
    expect(html).toContain('Zeit des Gastgebers');
    const google = unescape(html.match(/href="(https:\/\/calendar\.google\.com[^"]+)"/)![1]);
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace('.000', '');
    expect(new URL(google).searchParams.get('dates')).toBe(`${stamp(slots[0].start)}/${stamp(slots[0].end)}`);
    expect(html).toContain('https://outlook.live.com/calendar/0/deeplink/compose?');
    expect(html).toContain(`/api/public/manage/${path.split('/').pop()}/invite.ics`);
    // The reschedule calendar starts from the HTML too.
    expect(pickerData(html)).toMatchObject({ mode: 'manage', slug: 'jonas-beratung' });
    // Nothing internal: no host ids or emails.
    expect(html).not.toMatch(/rep3@example|"hostIds"|personId/);
  });
});
