import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launch, signIn } from './browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const NY = 'America/New_York';
const SEEDED = { timezone: NY, weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })), overrides: [] };

/** New York's calendar date `plus` days from now, as YYYY-MM-DD, and its weekday (0 = Sunday). */
function nyDate(plus: number) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: NY, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + plus));
  return { date: t.toISOString().slice(0, 10), weekday: t.getUTCDay() };
}

/** Same-origin API calls from the signed-in page's own cookie session. */
async function api(page: Page, method: 'GET' | 'PUT', userId: number, body?: unknown) {
  const res = await page.request.fetch(`${base}/api/users/${userId}/availability`, {
    method,
    headers: { origin: base, 'content-type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status()).toBe(200);
  return res.json();
}

/** ravi-intro's slot starts on a New York date, as New York wall times. */
async function slotTimes(date: string): Promise<string[]> {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const res = await fetch(`${base}/api/public/pages/ravi-intro/slots?from=${date}T00:00:00Z&to=${next}T12:00:00Z`, {
    headers: { 'x-test-client-ip': `198.19.${process.pid % 250}.1` },
  });
  expect(res.status).toBe(200);
  const local = new Intl.DateTimeFormat('en-CA', { timeZone: NY, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return ((await res.json()) as { slots: { start: string }[] }).slots
    .map((s) => local.format(new Date(s.start)).replace(',', ''))
    .filter((s) => s.startsWith(date))
    .map((s) => s.slice(11));
}

const day = (page: Page, weekday: number) => page.locator(`.av-day[data-day="${weekday}"]`);
const preview = (page: Page, date: string) => page.locator(`#preview li[data-date="${date}"]`);

// A save is a PUT and a page fetch: with every suite on two cores that can take more than the 10 s default.
const SAVED = { timeout: 30_000 };

async function save(page: Page) {
  await page.click('.av-save-bar button[type=submit]');
  await expect.poll(() => page.locator('.av-save-status').textContent(), SAVED).toContain('Saved');
}

describe('Availability editor in Chromium', () => {
  it('editing a day’s hours in the form changes the preview and the public slots', async () => {
    const page = await signIn(browser, base, 'rep1@example.com');
    try {
      await page.goto(`${base}/app/availability`);
      expect(await page.getAttribute('.sidebar a[aria-current=page]', 'href')).toBe('/app/availability');
      // Two days out (never today, whose hours may be over) and the same weekday a week later.
      const soon = nyDate(2);
      const later = nyDate(9);
      const row = day(page, soon.weekday);
      // A weekend day is off: "Add range" turns it on with 9–17.
      if (!(await row.locator('.av-day-on').isChecked())) await row.locator('[data-add-range]').click();
      await expect.poll(() => row.locator('.av-range').count()).toBe(1);
      await row.locator('[name=start]').fill('07:00');
      await row.locator('[name=end]').fill('08:00');
      await save(page);
      await expect.poll(() => preview(page, soon.date).textContent()).toContain('7:00–8:00');
      expect(await slotTimes(later.date)).toEqual(['07:00', '07:30']);
      expect((await api(page, 'GET', 3)).weekly.filter((w: { day: number }) => w.day === soon.weekday)).toEqual([{ day: soon.weekday, start: '07:00', end: '08:00' }]);

      // A bad range: the issue sits next to its field and the typed times stay.
      await row.locator('[name=start]').fill('15:00');
      await row.locator('[name=end]').fill('14:00');
      await page.click('.av-save-bar button[type=submit]');
      const end = row.locator('[name=end]');
      await expect.poll(() => end.getAttribute('aria-invalid'), SAVED).toBe('true');
      const describedBy = (await end.getAttribute('aria-describedby'))!;
      expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('End must be after start');
      expect(await end.inputValue()).toBe('14:00');
      expect(await row.locator('[name=start]').inputValue()).toBe('15:00');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('end');
      expect(await axeViolations(page)).toEqual([]);
      expect(await slotTimes(later.date)).toEqual(['07:00', '07:30']); // nothing written
    } finally {
      await api(page, 'PUT', 3, SEEDED);
      await page.context().close();
    }
  });

  it('an override made in Auckland for a New York user lands on the date that was picked', async () => {
    const page = await signIn(browser, base, 'manager@example.com', { timezoneId: 'Pacific/Auckland' });
    try {
      await page.goto(`${base}/app/availability?userId=3`);
      expect(await page.locator('h1 + p').textContent()).toContain('Ravi Rep');
      expect(await page.inputValue('#timezone')).toBe(NY);
      const off = nyDate(3);
      const hours = nyDate(4);
      // A day off…
      await page.fill('#override-date', off.date);
      await page.click('[data-add-override]');
      const offItem = page.locator(`.av-override[data-date="${off.date}"]`);
      await expect.poll(() => offItem.locator('.av-override-off').isChecked()).toBe(true);
      // …and a date with two ranges of its own, starting from that weekday's hours.
      await page.fill('#override-date', hours.date);
      await page.uncheck('#override-unavailable');
      await page.click('[data-add-override]');
      const hoursItem = page.locator(`.av-override[data-date="${hours.date}"]`);
      await expect.poll(() => hoursItem.locator('.av-range').count()).toBe(1);
      await hoursItem.locator('[name=start]').fill('08:00');
      await hoursItem.locator('[name=end]').fill('09:00');
      await hoursItem.locator('[data-add-range]').click();
      await hoursItem.locator('.av-range').nth(1).locator('[name=start]').fill('15:00');
      await hoursItem.locator('.av-range').nth(1).locator('[name=end]').fill('16:00');
      // Listed by date whatever order they were added in.
      expect(await page.locator('.av-override').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.date))).toEqual([off.date, hours.date]);
      const [y, m, d] = off.date.split('-').map(Number);
      const label = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
      expect(await offItem.locator('.av-override-date').textContent()).toBe(label);
      await save(page);

      expect((await api(page, 'GET', 3)).overrides).toEqual([
        { date: off.date, unavailable: true },
        { date: hours.date, start: '08:00', end: '09:00' },
        { date: hours.date, start: '15:00', end: '16:00' },
      ]);
      await expect.poll(() => preview(page, off.date).getAttribute('data-state')).toBe('off');
      expect(await preview(page, off.date).textContent()).toContain('Unavailable');
      expect(await preview(page, hours.date).textContent()).toContain('8:00–9:00, 15:00–16:00');
      // Reloaded, the page shows the same dates (rendered by the server, not shifted by Auckland).
      await page.reload();
      expect(await page.locator('.av-override').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.date))).toEqual([off.date, hours.date]);
      expect(await page.locator(`.av-override[data-date="${off.date}"] .av-override-date`).textContent()).toBe(label);
    } finally {
      await api(page, 'PUT', 3, SEEDED);
      await page.context().close();
    }
  });

  it('copies a day’s ranges to other days, by keyboard alone', async () => {
    const page = await signIn(browser, base, 'rep2@example.com');
    try {
      await page.goto(`${base}/app/availability`);
      const monday = day(page, 1);
      await monday.locator('[data-add-range]').focus();
      await page.keyboard.press('Enter'); // adds 17:00–18:00 and focuses its start
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('start');
      expect(await monday.locator('.av-range').nth(1).locator('[name=end]').inputValue()).toBe('18:00');
      await monday.locator('[data-copy-open]').focus();
      await page.keyboard.press('Enter');
      expect(await monday.locator('[data-copy-open]').getAttribute('aria-expanded')).toBe('true');
      // Focus is on the first day of the chooser (Tuesday): Escape closes it, Enter opens it again.
      expect(await page.evaluate(() => document.activeElement?.closest('label')?.textContent?.trim())).toBe('Tuesday');
      await page.keyboard.press('Escape');
      expect(await monday.locator('.av-copy-to').isHidden()).toBe(true);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab'); // Wednesday
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab'); // Thursday
      await page.keyboard.press('Tab'); // Friday
      await page.keyboard.press('Tab'); // Saturday (off)
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab'); // Sunday
      await page.keyboard.press('Tab'); // Apply
      await page.keyboard.press('Enter');
      expect(await page.locator('.av-save-status').textContent()).toContain("Copied Monday's hours to Wednesday, Saturday.");
      expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-copy-open'))).toBe(true);
      for (const d of [3, 6]) {
        expect(await day(page, d).locator('.av-day-on').isChecked()).toBe(true);
        expect(await day(page, d).locator('.av-range [name=end]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['17:00', '18:00']);
      }
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('.av-save-bar button[type=submit]').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.av-save-status').textContent(), SAVED).toContain('Saved');
      const weekly = (await api(page, 'GET', 4)).weekly as { day: number; start: string; end: string }[];
      const pair = (day: number) => [{ day, start: '09:00', end: '17:00' }, { day, start: '17:00', end: '18:00' }];
      expect(weekly).toEqual([...pair(1), { day: 2, start: '09:00', end: '17:00' }, ...pair(3), { day: 4, start: '09:00', end: '17:00' }, { day: 5, start: '09:00', end: '17:00' }, ...pair(6)]);
    } finally {
      await api(page, 'PUT', 4, SEEDED);
      await page.context().close();
    }
  });

  it('a viewer sees a team member’s hours and their own read-only (no edit actions anywhere); axe finds nothing serious on either view', async () => {
    const page = await signIn(browser, base, 'viewer@example.com');
    try {
      await page.goto(`${base}/app/availability?userId=3`);
      expect(await page.locator('.av-save-bar').count()).toBe(0);
      expect(await page.locator('[data-add-range], [data-copy-open], [data-add-override]').count()).toBe(0);
      expect(await page.locator('.av-day-on').first().isDisabled()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(`${base}/app/availability`);
      expect(await page.locator('.av-save-bar').count()).toBe(0);
      expect(await page.locator('[data-add-range], [data-copy-open], [data-add-override]').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      const outside = await page.goto(`${base}/app/availability?userId=6`);
      expect(outside!.status()).toBe(404);
    } finally {
      await page.context().close();
    }
  });
});
