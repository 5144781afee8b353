import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launch, newClient, signIn } from './browser';

const base = inject('baseUrl');
let browser: Browser;
let rep: Page;
// Unique per run: the suite's server keeps its D1 for the whole browser project.
const slug = `browser-page-${Date.now().toString(36)}`;
let pageId = 0;

beforeAll(async () => {
  browser = await launch();
  rep = await signIn(browser, base, 'rep1@example.com');
});
afterAll(async () => {
  await browser?.close();
});

/** The page as the API has it, read with the rep's session. */
const apiPage = async (id: number) => (await (await rep.request.get(`${base}/api/scheduling-pages/${id}`)).json()).page;

describe('scheduling pages in Chromium', () => {
  it('a rep creates a page from a title, a link, a duration and a location, and it takes a booking', async () => {
    await rep.goto(`${base}/app/pages`);
    await Promise.all([rep.waitForURL(`${base}/app/pages/new`), rep.click('text=New page')]);
    await rep.fill('[name=title]', 'Browser discovery call');
    await rep.fill('[name=slug]', slug);
    await rep.fill('[name=durationMinutes]', '45');
    await rep.selectOption('[name=locationType]', 'phone');
    await rep.fill('[name=locationValue]', '+1 555 0199');
    await Promise.all([rep.waitForURL(/\/app\/pages\/\d+\?saved/), rep.click('button[type=submit]:has-text("Create page")')]);
    pageId = Number(new URL(rep.url()).pathname.split('/').pop());
    expect(await rep.locator('[data-status]').textContent()).toContain('Saved');
    expect(await rep.locator(`[data-status] a[href="/b/${slug}"]`).count()).toBe(1);
    expect(await apiPage(pageId)).toMatchObject({
      slug,
      title: 'Browser discovery call',
      durationMinutes: 45,
      timezone: 'America/New_York',
      locationType: 'phone',
      locationValue: '+1 555 0199',
      strategy: 'individual',
      hosts: [{ userId: 3, weight: 1 }],
      slotIntervalMinutes: 45,
      minimumNoticeMinutes: 0,
      horizonDays: 60,
      briefingEnabled: true,
      active: true,
    });

    // A booker books it on the live page: the first free day's first time, through the month grid.
    const booker = await newClient(browser, { timezoneId: 'America/Chicago' });
    await booker.goto(`${base}/b/${slug}`);
    expect(await booker.locator('h1').textContent()).toContain('Browser discovery call');
    await booker.locator('[data-grid] button.day.free').first().click();
    await booker.locator('[data-times] button').first().click();
    await booker.fill('input[name=name]', 'Pat Browser');
    await booker.fill('input[name=email]', 'pat.browser@example.org');
    await Promise.all([booker.waitForURL(/\/manage\/[A-Za-z0-9_-]{43}\?booked=1$/), booker.click('[data-book-form] button[type=submit]')]);
    await booker.context().close();
    const { bookings } = await (await rep.request.get(`${base}/api/bookings?tab=upcoming&pageId=${pageId}`)).json();
    expect(bookings.map((b: { bookerEmail: string; durationMinutes: number }) => [b.bookerEmail, b.durationMinutes])).toEqual([['pat.browser@example.org', 45]]);
  });

  it('a bad link is answered next to its field, and everything typed stays', async () => {
    await rep.goto(`${base}/app/pages/new`);
    await rep.fill('[name=title]', 'Kept title');
    await rep.fill('[name=slug]', 'Bad Slug!');
    await rep.fill('[name=description]', 'Kept description');
    await rep.fill('[name=durationMinutes]', '20');
    await rep.click('[data-page-form] button[type=submit]');
    const slugField = rep.locator('#f-slug');
    await expect.poll(() => slugField.getAttribute('aria-invalid')).toBe('true');
    expect(await slugField.getAttribute('aria-describedby')).toContain('e-slug');
    expect(await rep.locator('[id="e-slug"]').textContent()).toMatch(/lowercase/);
    expect(await rep.locator('[data-form-alert]').isVisible()).toBe(true);
    expect(await rep.locator('[data-form-alert]').textContent()).toContain('Link');
    expect(await rep.inputValue('[name=title]')).toBe('Kept title');
    expect(await rep.inputValue('[name=description]')).toBe('Kept description');
    expect(await rep.inputValue('[name=durationMinutes]')).toBe('20');
    expect(await rep.inputValue('[name=slug]')).toBe('Bad Slug!');
    expect(await rep.locator('#f-title').getAttribute('aria-invalid')).toBeNull();
    expect(new URL(rep.url()).pathname).toBe('/app/pages/new');
  });

  it('the active switch toggles with Space and Enter and says so', async () => {
    await rep.goto(`${base}/app/pages`);
    const toggle = rep.locator(`[data-page-id="${pageId}"] [data-toggle-active]`);
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.focus();
    await rep.keyboard.press('Space');
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');
    expect(await rep.locator('[data-status]').textContent()).toContain('off');
    expect((await apiPage(pageId)).active).toBe(false);
    await rep.keyboard.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
    expect(await rep.locator('[data-status]').textContent()).toContain('on');
    expect((await apiPage(pageId)).active).toBe(true);
  });

  it('copy link copies the absolute URL and says so', async () => {
    await rep.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await rep.goto(`${base}/app/pages`);
    await rep.click(`[data-page-id="${pageId}"] [data-copy]`);
    await expect.poll(() => rep.locator('[data-status]').textContent()).toContain('Link copied');
    expect(await rep.evaluate(() => navigator.clipboard.readText())).toBe(`${base}/b/${slug}`);
  });

  it('the questions editor adds and reorders questions, and the page keeps them', async () => {
    await rep.goto(`${base}/app/pages/${pageId}`);
    await rep.click('[data-q-add]');
    await rep.fill('[name="questions.0.label"]', 'Company');
    await rep.check('[name="questions.0.required"]');
    await rep.click('[data-q-add]');
    await rep.fill('[name="questions.1.label"]', 'Team size');
    await rep.selectOption('[name="questions.1.type"]', 'select');
    await rep.fill('[name="questions.1.options"]', '1-10\n11-50\n\n51+');
    await rep.click('[aria-label="Move question 2 up"]');
    expect(await rep.inputValue('[name="questions.0.label"]')).toBe('Team size');
    await Promise.all([rep.waitForURL(/\?saved/), rep.click('[data-page-form] button[type=submit]')]);
    expect((await apiPage(pageId)).questions).toEqual([
      { id: 'team_size', label: 'Team size', type: 'select', required: false, options: ['1-10', '11-50', '51+'] },
      { id: 'company', label: 'Company', type: 'text', required: true },
    ]);
    // Removing one keeps the other.
    await rep.click('[aria-label="Remove question 1"]');
    // Already on ?saved: wait for the saved page's own load, not for a URL that matches at once.
    await Promise.all([rep.waitForEvent('load'), rep.click('[data-page-form] button[type=submit]')]);
    expect((await apiPage(pageId)).questions.map((q: { id: string }) => q.id)).toEqual(['company']);
  });

  it('delete asks inline, then returns to the list', async () => {
    await rep.goto(`${base}/app/pages/${pageId}`);
    const confirmBox = rep.locator('[data-delete-confirm]');
    expect(await confirmBox.isVisible()).toBe(false);
    await rep.click('[data-delete-open]');
    expect(await confirmBox.isVisible()).toBe(true);
    // "Keep page" closes it and changes nothing.
    await rep.click('[data-delete-no]');
    expect(await confirmBox.isVisible()).toBe(false);
    await rep.click('[data-delete-open]');
    await Promise.all([rep.waitForURL(`${base}/app/pages?notice=deleted`), rep.click('[data-delete-yes]')]);
    expect(await rep.locator('[data-status]').textContent()).toContain('Page deleted');
    // Gone from the API and the list; the public page no longer takes bookings.
    expect((await rep.request.get(`${base}/api/scheduling-pages/${pageId}`)).status()).toBe(404);
    expect(await rep.locator(`[data-page-id="${pageId}"]`).count()).toBe(0);
    expect((await fetch(`${base}/b/${slug}`)).status).toBe(404);
  });

  it('a viewer sees the pages with no actions, and an editor read-only', async () => {
    const viewer = await signIn(browser, base, 'viewer@example.com');
    await viewer.goto(`${base}/app/pages`);
    expect(await viewer.locator('.pl-item').count()).toBeGreaterThanOrEqual(5);
    expect(await viewer.locator('[role=switch]').count()).toBe(0);
    expect(await viewer.locator('a[href="/app/pages/new"]').count()).toBe(0);
    await viewer.goto(`${base}/app/pages/2`);
    expect(await viewer.locator('[name=title]').isDisabled()).toBe(true);
    expect(await viewer.locator('main button').count()).toBe(0);
    await viewer.context().close();
  });

  it('axe finds no serious or critical violation on the list, a new page and an editor', async () => {
    for (const path of ['/app/pages', '/app/pages/new', '/app/pages/1', '/app/pages/3']) {
      await rep.goto(`${base}${path}`);
      expect(await axeViolations(rep), path).toEqual([]);
    }
    // With issues shown, too.
    await rep.goto(`${base}/app/pages/new`);
    await rep.click('[data-page-form] button[type=submit]');
    await expect.poll(() => rep.locator('[data-form-alert]').isVisible()).toBe(true);
    expect(await axeViolations(rep)).toEqual([]);
  });
});
