import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launch } from './browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function bookerPage(zone = 'Asia/Kolkata'): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, timezoneId: zone, viewport: { width: 390, height: 844 } });
  return context.newPage();
}

/** Books the first offered slot on a page through the UI; returns the manage link. */
async function bookThroughUi(page: Page, slug: string, name: string): Promise<string> {
  await page.goto(`${base}/b/${slug}`);
  await page.locator('[data-times] button').first().waitFor();
  await page.locator('[data-times] button').first().click();
  await page.fill('input[name=name]', name);
  await page.fill('input[name=email]', `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`);
  if (await page.locator('input[name="q:company"]').count()) await page.fill('input[name="q:company"]', 'Initech');
  await page.click('[data-book-form] button[type=submit]');
  await page.locator('[data-confirmation]').waitFor({ state: 'visible' });
  return (await page.getAttribute('[data-manage-link]', 'href'))!;
}

describe('booking page', () => {
  it('shows times in the booker’s zone and books one', async () => {
    const page = await bookerPage();
    await page.goto(`${base}/b/ravi-intro`);
    expect(await page.locator('h1').textContent()).toBe('Intro call with Ravi');
    // Chromium may report the legacy alias of the same zone.
    expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(await page.locator('[data-timezone]').inputValue());
    expect(await axeViolations(page)).toEqual([]);
    const manage = await bookThroughUi(page, 'ravi-intro', 'Priya Shah');
    expect(manage).toMatch(/\/b\/ravi-intro\/manage\/[A-Za-z0-9_-]{43}$/);
    const ics = await page.request.get(`${base}${await page.getAttribute('[data-ics-link]', 'href')}`);
    expect(await ics.text()).toContain('METHOD:REQUEST');
    await page.context().close();
  });

  it('a taken slot says so and refreshes the list', async () => {
    const page = await bookerPage('Europe/Berlin');
    await page.goto(`${base}/b/rosa-demo`);
    await page.locator('[data-times] button').first().waitFor();
    const start = await page.locator('[data-times] button').first().getAttribute('data-start');
    await page.locator('[data-times] button').first().click();
    // Someone else takes the same time first.
    const taken = await page.request.post(`${base}/api/public/pages/rosa-demo/bookings`, { data: { start, name: 'Fast Finger', email: 'fast@example.org' } });
    expect(taken.status()).toBe(201);
    await page.fill('input[name=name]', 'Slow Poke');
    await page.fill('input[name=email]', 'slow@example.org');
    await page.click('[data-book-form] button[type=submit]');
    await expect.poll(() => page.locator('[data-form-error]').textContent()).toMatch(/just booked, pick another/);
    await expect.poll(() => page.locator(`[data-times] button[data-start="${start}"]`).count()).toBe(0);
    await page.context().close();
  });
});

describe('booking form errors', () => {
  it('shows a server-side error next to its field', async () => {
    const page = await bookerPage();
    await page.goto(`${base}/b/ravi-intro`);
    await page.locator('[data-times] button').first().waitFor();
    await page.locator('[data-times] button').first().click();
    await page.fill('input[name=name]', 'Field Errors');
    await page.fill('input[name=email]', 'field.errors@example.org');
    // Bypass the browser's own required check to see the server's answer.
    await page.evaluate(() => document.querySelector('input[name="q:company"]')!.removeAttribute('required'));
    await page.click('[data-book-form] button[type=submit]');
    await expect.poll(() => page.getAttribute('input[name="q:company"]', 'aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').first().textContent()).toMatch(/Company is required/);
    await page.context().close();
  });
});

describe('manage page', () => {
  it('reschedules through the slot picker and the link keeps working', async () => {
    const page = await bookerPage();
    const manage = await bookThroughUi(page, 'rosa-demo', 'Mover Person');
    await page.goto(manage);
    expect(await page.locator('.status').textContent()).toBe('Confirmed');
    expect(await axeViolations(page), JSON.stringify(await axeViolations(page))).toEqual([]);
    const before = await page.locator('dl dd').first().textContent();
    await page.locator('[data-times] button').nth(1).click();
    await Promise.all([page.waitForEvent('load'), page.click('[data-reschedule-form] button[type=submit]')]);
    expect(await page.locator('.status').textContent()).toBe('Confirmed');
    expect(await page.locator('dl dd').first().textContent()).not.toBe(before);
    await page.context().close();
  });

  it('cancels with a reason and then offers no actions', async () => {
    const page = await bookerPage('America/New_York');
    const manage = await bookThroughUi(page, 'rosa-demo', 'Canceller Person');
    await page.goto(manage);
    await page.fill('[data-cancel-form] textarea[name=reason]', 'Plans changed');
    await Promise.all([page.waitForEvent('load'), page.click('[data-cancel-form] button[type=submit]')]);
    expect(await page.locator('.status').textContent()).toBe('Cancelled');
    expect(await page.textContent('main')).toContain('Plans changed');
    expect(await page.locator('[data-cancel-form]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('an unknown token shows a 404 page that leaks nothing', async () => {
    const page = await bookerPage();
    const res = await page.goto(`${base}/b/rosa-demo/manage/${'Z'.repeat(43)}`);
    expect(res!.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Page not found');
    await page.context().close();
  });
});

describe('static assets', () => {
  it('pages link CSS and scripts by content version, served to be kept a year', async () => {
    const html = await (await fetch(`${base}/b/ravi-intro`)).text();
    const links = [...html.matchAll(/(?:href|src)="(\/(?:styles\.css|book\.js)\?v=[A-Za-z0-9]+)"/g)].map((m) => m[1]);
    expect(links).toHaveLength(2);
    for (const link of links) {
      const res = await fetch(`${base}${link}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // The version is the file's own content hash.
      expect(res.headers.get('etag')!.replace(/[^A-Za-z0-9]/g, '')).toMatch(new RegExp(`^${link.split('?v=')[1]}`));
    }
  });
});
