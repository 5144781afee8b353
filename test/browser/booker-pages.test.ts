/**
 * SPEC 10 in a real browser, on a phone (390×844) and a desktop: the month grid in the
 * booker's zone from the first HTML (no slots request on load), later months on demand, named
 * day and time buttons, the 12/24 h switch, keyboard use, German, the confirmation and the
 * manage page, axe-clean throughout.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { axeViolations, launch, newClient } from './browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };

/** A booker's browser, with every slots request it makes recorded. */
async function booker(viewport: keyof typeof VIEWPORTS, options: BrowserContextOptions = {}): Promise<{ page: Page; slotRequests: string[] }> {
  const page = await newClient(browser, { timezoneId: 'Asia/Kolkata', viewport: VIEWPORTS[viewport], ...options });
  const slotRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/slots')) slotRequests.push(r.url());
  });
  return { page, slotRequests };
}

const freeDays = (page: Page) => page.locator('[data-grid] button.day.free');
const times = (page: Page) => page.locator('[data-times] button');

/** Picks the n-th free day and its first time, fills the form, books; returns the manage path. */
async function bookThroughGrid(page: Page, slug: string, name: string, day = 1): Promise<string> {
  await page.goto(`${base}/b/${slug}`);
  await freeDays(page).nth(day).click();
  await times(page).first().click();
  await page.fill('input[name=name]', name);
  await page.fill('input[name=email]', `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`);
  if (await page.locator('input[name="q:company"]').count()) await page.fill('input[name="q:company"]', 'Initech');
  await Promise.all([page.waitForURL(/\/manage\/[A-Za-z0-9_-]{43}\?booked=1$/), page.click('[data-book-form] button[type=submit]')]);
  return new URL(page.url()).pathname;
}

for (const viewport of ['phone', 'desktop'] as const) {
  describe(`booking page on a ${viewport}`, () => {
    it('a booker in Asia/Kolkata books through the month grid, with no slots request before acting', async () => {
      const { page, slotRequests } = await booker(viewport);
      await page.goto(`${base}/b/ravi-intro`);
      expect(await page.locator('h1').textContent()).toBe('Intro call with Ravi');
      expect(await page.locator('.booker-hosts').textContent()).toBe('Ravi Rep');
      expect(await page.locator('.avatar').first().textContent()).toBe('RR');
      // Chromium may report the legacy alias of the same zone.
      expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(await page.locator('[data-timezone]').inputValue());
      expect(await freeDays(page).count()).toBeGreaterThan(0);
      expect(await times(page).count()).toBeGreaterThan(0);
      expect(slotRequests).toEqual([]);
      expect(await axeViolations(page), JSON.stringify(await axeViolations(page))).toEqual([]);

      // The times of a day are in Kolkata (Ravi works 9–17 in New York: 19:30–03:30 there).
      const day = freeDays(page).nth(1);
      const date = await day.getAttribute('data-date');
      await day.click();
      const first = times(page).first();
      expect(await first.getAttribute('aria-label')).toMatch(/^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, 20\d\d, (12|1|2|3|7|8|9|10|11):\d\d\s[AP]M$/);
      const start = (await first.getAttribute('data-start'))!;
      expect(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date(start))).toBe(date);
      // Side by side on a desktop, the times right below the grid on a phone.
      const [grid, panel] = await page.evaluate(() => ['[data-grid]', '[data-day-panel]'].map((s) => document.querySelector(s)!.getBoundingClientRect().toJSON()));
      if (viewport === 'desktop') expect(panel.left).toBeGreaterThanOrEqual(grid.right);
      else expect(panel.top).toBeGreaterThanOrEqual(grid.bottom);

      await first.click();
      expect(await page.locator('[data-chosen]').textContent()).toMatch(/Asia\/(Kolkata|Calcutta)/);
      await page.fill('input[name=name]', `Priya ${viewport}`);
      await page.fill('input[name=email]', `priya.${viewport}@example.org`);
      await page.fill('input[name="q:company"]', 'Initech');
      await Promise.all([page.waitForURL(/\/manage\/[A-Za-z0-9_-]{43}\?booked=1$/), page.click('[data-book-form] button[type=submit]')]);
      expect(slotRequests).toEqual([]);

      // The confirmation: what, when (booker's zone, and the host's), who, where, calendars.
      expect(await page.locator('h1').textContent()).toBe('You are scheduled');
      const facts = (await page.locator('.facts-list').textContent())!;
      expect(facts).toContain('Intro call with Ravi');
      expect(facts).toMatch(/Asia\/(Kolkata|Calcutta)/);
      expect(facts).toContain('America/New York');
      expect(facts).toContain(`Priya ${viewport}`);
      expect(facts).toContain('Ravi Rep');
      expect(facts).toContain('Google Meet');
      const google = new URL((await page.getAttribute('[data-google-link]', 'href'))!);
      expect(google.searchParams.get('dates')!.split('/')[0]).toBe(start.replace(/[-:]/g, '').replace('.000', ''));
      expect(await page.getAttribute('[data-outlook-link]', 'href')).toContain(`startdt=${encodeURIComponent(start.replace('.000', ''))}`);
      const ics = await page.request.get(`${base}${await page.getAttribute('[data-ics-link]', 'href')}`);
      expect(await ics.text()).toContain('METHOD:REQUEST');
      expect(await axeViolations(page), JSON.stringify(await axeViolations(page))).toEqual([]);
      await page.context().close();
    });

    it('fetches the next month when asked, once', async () => {
      const { page, slotRequests } = await booker(viewport, { timezoneId: 'America/New_York' });
      await page.goto(`${base}/b/rosa-demo`);
      await freeDays(page).first().waitFor();
      const month = await page.locator('[data-month]').textContent();
      await page.click('[data-next]');
      await expect.poll(() => page.locator('[data-month]').textContent()).not.toBe(month);
      await expect.poll(() => slotRequests.length).toBe(1);
      const url = new URL(slotRequests[0]);
      const from = new Date(url.searchParams.get('from')!);
      const to = new Date(url.searchParams.get('to')!);
      expect(from.getUTCDate() === 1 || from.getUTCDate() === new Date(from.getTime() + 86_400_000).getUTCDate() - 1).toBe(true);
      expect(to.getTime() - from.getTime()).toBeLessThanOrEqual(31 * 86_400_000 + 3_600_000);
      await expect.poll(() => freeDays(page).count()).toBeGreaterThan(0);
      await page.click('[data-prev]');
      await expect.poll(() => page.locator('[data-month]').textContent()).toBe(month);
      await page.click('[data-next]');
      await freeDays(page).first().waitFor();
      expect(slotRequests).toHaveLength(1);
      await page.context().close();
    });

    it('names each day by its full date and time count, and the 12/24 h choice is remembered', async () => {
      const { page } = await booker(viewport, { timezoneId: 'America/New_York' });
      await page.goto(`${base}/b/ravi-intro`);
      const free = freeDays(page).first();
      const label = (await free.getAttribute('aria-label'))!;
      const n = await (async () => { await free.click(); return times(page).count(); })();
      expect(label).toMatch(new RegExp(`^(Monday|Tuesday|Wednesday|Thursday|Friday), [A-Z][a-z]+ \\d{1,2}, 20\\d\\d, ${n} times?$`));
      const closed = page.locator('[data-grid] button.day[aria-disabled=true]').first();
      expect(await closed.getAttribute('aria-label')).toMatch(/, no times$/);
      expect(await page.getByRole('button', { name: label }).count()).toBe(1);

      expect(await times(page).first().textContent()).toMatch(/^\d{1,2}:\d\d\s[AP]M$/);
      await page.click('[data-hour="24"]');
      expect(await times(page).first().textContent()).toMatch(/^\d\d:\d\d$/);
      await page.reload();
      await times(page).first().waitFor();
      expect(await page.getAttribute('[data-hour="24"]', 'aria-pressed')).toBe('true');
      expect(await times(page).first().textContent()).toMatch(/^\d\d:\d\d$/);
      await page.click('[data-hour="12"]');
      expect(await times(page).first().textContent()).toMatch(/[AP]M$/);
      await page.context().close();
    });

    it('a German browser gets German, weeks from Monday', async () => {
      const { page } = await booker(viewport, { locale: 'de-DE', timezoneId: 'Europe/Berlin', extraHTTPHeaders: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' } });
      await page.goto(`${base}/b/jonas-beratung`);
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      expect(await page.locator('#picker-heading').textContent()).toBe('Datum und Uhrzeit wählen');
      expect(await page.locator('[data-weekdays] th').first().getAttribute('abbr')).toBe('Montag');
      expect(await freeDays(page).first().getAttribute('aria-label')).toMatch(/^(Montag|Dienstag|Mittwoch|Donnerstag|Freitag), \d{1,2}\. [A-Zä][a-zä]+ 20\d\d, \d+ Termine?$/);
      expect(await times(page).first().textContent()).toMatch(/^\d{1,2}:\d\d$/);
      expect(await axeViolations(page), JSON.stringify(await axeViolations(page))).toEqual([]);
      await times(page).first().click();
      expect(await page.locator('[data-book-form] button[type=submit]').textContent()).toBe('Termin buchen');
      await page.context().close();
    });

    it('the grid works from the keyboard: arrows move, Enter picks', async () => {
      const { page } = await booker(viewport, { timezoneId: 'America/New_York' });
      await page.goto(`${base}/b/rosa-demo`);
      const focusable = page.locator('[data-grid] button.day[tabindex="0"]');
      expect(await focusable.count()).toBe(1);
      const start = (await focusable.getAttribute('data-date'))!;
      await focusable.focus();
      const active = () => page.evaluate(() => (document.activeElement as HTMLElement).dataset.date);
      const plus = (days: number) => new Date(Date.parse(`${start}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
      await page.keyboard.press('ArrowRight');
      expect(await active()).toBe(plus(1));
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowDown');
      expect(await active()).toBe(plus(7));
      // Only one day is in the tab order (roving tabindex).
      expect(await focusable.count()).toBe(1);
      // To a free day, then Enter shows its times.
      const target = (await page.locator('[data-grid] button.day.free').last().getAttribute('data-date'))!;
      await page.locator(`[data-date="${target}"]`).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('td[aria-selected=true] button').getAttribute('data-date')).toBe(target);
      expect(await times(page).first().getAttribute('aria-label')).toContain(String(Number(target.slice(8))));
      await page.context().close();
    });
  });
}

describe('booking form', () => {
  it('shows a server-side error next to its field', async () => {
    const { page } = await booker('phone');
    await page.goto(`${base}/b/ravi-intro`);
    await times(page).first().click();
    await page.fill('input[name=name]', 'Field Errors');
    await page.fill('input[name=email]', 'field.errors@example.org');
    // Bypass the browser's own required check to see the server's answer.
    await page.evaluate(() => document.querySelector('input[name="q:company"]')!.removeAttribute('required'));
    await page.click('[data-book-form] button[type=submit]');
    await expect.poll(() => page.getAttribute('input[name="q:company"]', 'aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').first().textContent()).toMatch(/Company is required/);
    await page.context().close();
  });

  it('a time taken meanwhile sends the booker back to the calendar without it', async () => {
    const { page } = await booker('desktop', { timezoneId: 'Europe/Berlin' });
    await page.goto(`${base}/b/rosa-demo`);
    const start = (await times(page).first().getAttribute('data-start'))!;
    await times(page).first().click();
    const taken = await page.request.post(`${base}/api/public/pages/rosa-demo/bookings`, { data: { start, name: 'Fast Finger', email: 'fast@example.org' }, headers: { 'x-test-client-ip': '203.0.113.77' } });
    expect(taken.status()).toBe(201);
    await page.fill('input[name=name]', 'Slow Poke');
    await page.fill('input[name=email]', 'slow@example.org');
    await page.click('[data-book-form] button[type=submit]');
    await expect.poll(() => page.locator('[data-status]').textContent()).toMatch(/just booked/);
    expect(await page.locator('[data-picker]').isVisible()).toBe(true);
    await expect.poll(() => page.locator(`[data-times] button[data-start="${start}"]`).count()).toBe(0);
    await page.context().close();
  });
});

describe('manage page', () => {
  for (const viewport of ['phone', 'desktop'] as const) {
    it(`reschedules through the month calendar on a ${viewport}, and the link keeps working`, async () => {
      const { page, slotRequests } = await booker(viewport);
      const manage = await bookThroughGrid(page, 'rosa-demo', `Mover ${viewport}`);
      await page.goto(`${base}${manage}`);
      expect(await page.locator('.status').textContent()).toBe('Confirmed');
      expect(await page.locator('.facts-list').textContent()).toContain('Rosa Rep');
      expect(await page.locator('.facts-list').textContent()).toContain(`Mover ${viewport}`);
      expect(await axeViolations(page), JSON.stringify(await axeViolations(page))).toEqual([]);
      const before = await page.locator('[data-when]').textContent();
      await page.click('[data-reschedule] summary');
      await freeDays(page).nth(2).click();
      await times(page).nth(1).click();
      await Promise.all([page.waitForEvent('load'), page.click('[data-reschedule-form] button[type=submit]')]);
      expect(await page.locator('.status').textContent()).toBe('Confirmed');
      expect(await page.locator('[data-when]').textContent()).not.toBe(before);
      expect(slotRequests).toEqual([]);
      await page.context().close();
    });
  }

  it('cancels inline with a reason and then offers no actions', async () => {
    const { page } = await booker('phone', { timezoneId: 'America/New_York' });
    const manage = await bookThroughGrid(page, 'rosa-demo', 'Canceller Person', 3);
    await page.goto(`${base}${manage}`);
    await page.click('details.action:last-child summary');
    await page.fill('[data-cancel-form] textarea[name=reason]', 'Plans changed');
    await Promise.all([page.waitForEvent('load'), page.click('[data-cancel-form] button[type=submit]')]);
    expect(await page.locator('.status').textContent()).toBe('Cancelled');
    expect(await page.textContent('main')).toContain('Plans changed');
    expect(await page.locator('[data-cancel-form]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('an unknown token shows a 404 page that leaks nothing', async () => {
    const { page } = await booker('phone');
    const res = await page.goto(`${base}/b/rosa-demo/manage/${'Z'.repeat(43)}`);
    expect(res!.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
    await page.context().close();
  });
});

describe('static assets', () => {
  it('pages link CSS and scripts by content version, served to be kept a year', async () => {
    const html = await (await fetch(`${base}/b/ravi-intro`)).text();
    const links = [...html.matchAll(/(?:href|src)="(\/[\w-]+\.(?:css|js)\?v=[A-Za-z0-9]+)"/g)].map((m) => m[1]);
    // The base sheet, the booker's own sheet and its script.
    expect(links.map((l) => l.split('?')[0])).toEqual(['/styles.css', '/booker.css', '/book.js']);
    for (const link of links) {
      const res = await fetch(`${base}${link}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // The version is the file's own content hash.
      expect(res.headers.get('etag')!.replace(/[^A-Za-z0-9]/g, '')).toMatch(new RegExp(`^${link.split('?v=')[1]}`));
    }
  });
});
