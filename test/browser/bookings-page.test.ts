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

async function rowIds(page: Page, tab: string): Promise<string[]> {
  await page.goto(`${base}/app/bookings?tab=${tab}`);
  return page.$$eval('.booking', (els) => els.map((e) => (e as HTMLElement).dataset.id!));
}

async function allIds(page: Page) {
  const ids: string[] = [];
  for (const tab of ['upcoming', 'past', 'cancelled', 'rescheduled']) ids.push(...(await rowIds(page, tab)));
  return ids.sort();
}

async function openRow(page: Page, id: string) {
  await page.click(`.booking[data-id="${id}"] .row`);
  await expect.poll(() => page.getAttribute(`.booking[data-id="${id}"] .row`, 'aria-expanded')).toBe('true');
}

describe('Bookings page in Chromium', () => {
  it('each seeded role sees exactly its scope’s rows', async () => {
    const expected: Record<string, string[]> = {
      'rep1@example.com': ['seed-b01', 'seed-b03', 'seed-b06', 'seed-b09', 'seed-b11', 'seed-b12'],
      'rep3@example.com': ['seed-b05', 'seed-b08'],
      'viewer@example.com': ['seed-b01', 'seed-b02', 'seed-b03', 'seed-b04', 'seed-b06', 'seed-b07', 'seed-b09', 'seed-b10', 'seed-b11', 'seed-b12'],
    };
    for (const [email, ids] of Object.entries(expected)) {
      const page = await signIn(browser, base, email);
      expect(await allIds(page)).toEqual(ids);
      await page.context().close();
    }
  });

  it('rows show the page’s zone; the drawer shows every field; a javascript: URL is plain text', async () => {
    const page = await signIn(browser, base, 'manager@example.com');
    await page.goto(`${base}/app/bookings?tab=upcoming`);
    const row = page.locator('.booking[data-id="seed-b02"]');
    // Rendered in the page's zone (New York), not the browser's (Los Angeles).
    await expect.poll(() => row.locator('.when').textContent()).toMatch(/E[SD]T/);
    expect(await row.locator('.where').textContent()).toBe('Phone · 30m');
    await openRow(page, 'seed-b02');
    const drawer = row.locator('.drawer');
    const text = await drawer.textContent();
    for (const label of ['Starts', 'Ends', 'Booker', 'Strategy', 'Location', 'Meeting URL', 'Email']) expect(text).toContain(label);
    expect(text).toContain('bob@globex.test');
    expect(text).toContain('round robin');
    expect(await drawer.locator('.meeting-url a').count()).toBe(0);
    expect(await drawer.locator('.meeting-url').textContent()).toContain('javascript:alert');
    // A group row says how many attend.
    await openRow(page, 'seed-b04');
    expect(await page.locator('.booking[data-id="seed-b04"] .drawer').textContent()).toContain('Group · 3 attendees');
    await page.context().close();
  });

  it('the viewer sees no action buttons', async () => {
    const page = await signIn(browser, base, 'viewer@example.com');
    for (const tab of ['upcoming', 'past']) {
      await page.goto(`${base}/app/bookings?tab=${tab}`);
      expect(await page.locator('.actions button').count()).toBe(0);
    }
    await page.context().close();
  });

  it('a reschedule into a taken time says already booked and keeps the typed message', async () => {
    const page = await signIn(browser, base, 'rep1@example.com');
    await page.goto(`${base}/app/bookings?tab=upcoming`);
    await openRow(page, 'seed-b01');
    const drawer = page.locator('.booking[data-id="seed-b01"] .drawer');
    await drawer.locator('[data-open="reschedule"]').click();
    // seed-b03 (collective, also rep1's) holds this time: take its start in the viewer's local time.
    const takenLocal = await page.evaluate(async () => {
      const res = await fetch('/api/bookings/seed-b03');
      const { booking } = await res.json();
      const d = new Date(booking.start);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await drawer.locator('input[name=start]').fill(takenLocal);
    await drawer.locator('textarea[name=message]').fill('Sorry, can we move this?');
    await drawer.locator('[data-dialog="reschedule"] button[type=submit]').click();
    await expect.poll(() => drawer.locator('[data-dialog="reschedule"] .form-error').textContent()).toMatch(/already booked/i);
    expect(await drawer.locator('textarea[name=message]').inputValue()).toBe('Sorry, can we move this?');
    // Collapse and reopen: the dialog keeps its text.
    await page.click('.booking[data-id="seed-b01"] .row');
    await openRow(page, 'seed-b01');
    expect(await drawer.locator('textarea[name=message]').inputValue()).toBe('Sorry, can we move this?');
    // axe-core with the drawer and a dialog open.
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('a cancel with a reason moves the row to Cancelled with the reason in the drawer', async () => {
    const page = await signIn(browser, base, 'rep1@example.com');
    await page.goto(`${base}/app/bookings?tab=upcoming`);
    await openRow(page, 'seed-b12');
    const drawer = page.locator('.booking[data-id="seed-b12"] .drawer');
    await drawer.locator('[data-open="cancel"]').click();
    await drawer.locator('textarea[name=reason]').fill('Customer asked to pause');
    expect(await drawer.locator('[data-count]').textContent()).toBe('23 / 500');
    await Promise.all([page.waitForEvent('load'), drawer.locator('[data-dialog="cancel"] button[type=submit]').click()]);
    expect(await rowIds(page, 'upcoming')).not.toContain('seed-b12');
    await page.goto(`${base}/app/bookings?tab=cancelled`);
    await openRow(page, 'seed-b12');
    const cancelled = page.locator('.booking[data-id="seed-b12"] .drawer');
    expect(await cancelled.locator('.cancel-reason').textContent()).toBe('Customer asked to pause');
    expect(await cancelled.locator('.cancelled-by').textContent()).toBe('host');
    await page.context().close();
  });

  it('Mark no-show puts a red badge on the Past row and the person’s no-show count rises', async () => {
    const page = await signIn(browser, base, 'rep2@example.com');
    const count = () => page.evaluate(async () => (await (await fetch('/api/persons/5')).json()).person.lifecycleMeta.noShowCount as number);
    const before = await count();
    await page.goto(`${base}/app/bookings?tab=past`);
    await openRow(page, 'seed-b07');
    await Promise.all([page.waitForEvent('load'), page.locator('.booking[data-id="seed-b07"] [data-status="no_show"]').click()]);
    const badge = page.locator('.booking[data-id="seed-b07"] .badge-bad');
    expect(await badge.textContent()).toBe('No-show');
    expect(await badge.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(180, 35, 24)');
    expect(await count()).toBe(before + 1);
    await page.context().close();
  });

  it('Copy new manage link puts a working link on the clipboard', async () => {
    const page = await signIn(browser, base, 'rep2@example.com');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.goto(`${base}/app/bookings?tab=upcoming`);
    await openRow(page, 'seed-b02');
    await page.locator('.booking[data-id="seed-b02"] [data-action="manage-link"]').click();
    const status = page.locator('.booking[data-id="seed-b02"] .action-status');
    await expect.poll(() => status.textContent()).toMatch(/manage link/);
    const url = await status.getAttribute('data-url');
    expect(url).toMatch(/\/b\/west-sales\/manage\/[A-Za-z0-9_-]{43}$/);
    const res = await page.request.get(url!);
    expect(res.status()).toBe(200);
    await page.context().close();
  });
});
