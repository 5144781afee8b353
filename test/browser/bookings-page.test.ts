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
  // Other suites share this server and book on its pages: the seed's rows are the fixed part.
  return page.$$eval('.booking', (els) => els.map((e) => (e as HTMLElement).dataset.id!).filter((id) => id.startsWith('seed-')));
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
    expect(text).toContain('Round robin');
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
    // Another booking of rep1's holds this time (on a weekday, so the time is inside working hours
    // whatever day the suite runs): take its start in the viewer's local time.
    const taken = await bookRavi(page, weekdayAt(20).start, 'Taken Slot');
    expect(taken.status).toBe(201);
    const takenLocal = await page.evaluate(async (id) => {
      const res = await fetch(`/api/bookings/${id}`);
      const { booking } = await res.json();
      const d = new Date(booking.start);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, taken.id);
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

  it('a manager filters by date and host: rows under day headings with host names, the filters kept in the URL', async () => {
    const page = await signIn(browser, base, 'manager@example.com');
    await page.goto(`${base}/app/bookings?tab=upcoming`);
    // seed-b03 (collective: Maya and Ravi) is three days out; its date in the manager's zone.
    const start = await page.evaluate(async () => (await (await fetch('/api/bookings/seed-b03')).json()).booking.start as string);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(start));
    await page.selectOption('select[name=hostId]', { label: 'Ravi Rep' });
    await page.fill('input[name=from]', day);
    await page.fill('input[name=to]', day);
    await Promise.all([page.waitForURL(/hostId=3/), page.click('.filters button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('from')).toBe(day);
    expect(await page.$$eval('.booking', (els) => els.map((e) => (e as HTMLElement).dataset.id))).toEqual(['seed-b03']);
    expect(await page.locator('.booking[data-id="seed-b03"] .host-names').textContent()).toContain('Maya Manager, Ravi Rep');
    expect(await page.locator('.booking[data-id="seed-b03"] .strategy').textContent()).toBe('Collective');
    expect(await page.locator('.day-heading').first().textContent()).toMatch(/^(Today|Tomorrow|\w{3}, \w{3} \d{1,2}, \d{4})$/);
    // The tab counts follow the filters; the export link carries them.
    expect(await page.locator('[data-count-tab="upcoming"]').textContent()).toBe('1');
    expect(await page.getAttribute('.page-head a', 'href')).toContain(`hostId=3&from=${day}&to=${day}`);
    // Nothing on another day: the empty state says so and offers to clear.
    await page.goto(`${base}/app/bookings?tab=upcoming&hostId=3&from=2020-01-01&to=2020-01-02`);
    expect(await page.locator('.empty').textContent()).toContain('No upcoming bookings match these filters');
    await Promise.all([page.waitForURL(/tab=upcoming$/), page.click('.empty a')]);
    expect(await page.locator('.booking').count()).toBeGreaterThan(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  /** A weekday at least `offset` days away at `hour` UTC (15–17: inside New York working hours), on the ravi-intro slot grid. */
  const weekdayAt = (offset: number, hour = 15) => {
    for (let d = offset; ; d += offset < 0 ? -1 : 1) {
      const t = new Date(Date.now() + d * 86_400_000);
      t.setUTCHours(hour, 0, 0, 0);
      if (t.getUTCDay() !== 0 && t.getUTCDay() !== 6) return { start: t.toISOString(), d };
    }
  };
  const bookRavi = (page: Page, start: string, name: string, testNow?: string) =>
    page.evaluate(
      async ({ start, name, testNow }) => {
        const res = await fetch('/api/public/pages/ravi-intro/bookings', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(testNow ? { 'x-test-now': testNow } : {}) },
          body: JSON.stringify({ start, name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`, answers: { company: 'Bulkco' } }),
        });
        return { status: res.status, id: (await res.json()).booking?.id as string };
      },
      { start, name, testNow },
    );

  it('bulk no-show of three past bookings, selected with the keyboard', async () => {
    const page = await signIn(browser, base, 'manager@example.com');
    await page.goto(`${base}/app/bookings?tab=past`);
    // Three past bookings of team West, booked back then (X-Test-Now before their start).
    const ids: string[] = [];
    for (const [i, name] of ['Past One', 'Past Two', 'Past Three'].entries()) {
      const { start } = weekdayAt(-6, 15 + i);
      const booked = await bookRavi(page, start, name, new Date(Date.parse(start) - 2 * 86_400_000).toISOString());
      expect(booked.status).toBe(201);
      ids.push(booked.id);
    }
    await page.goto(`${base}/app/bookings?tab=past`);
    // Keyboard: tab to the first checkbox and press Space; click the other two by their names.
    const first = page.locator(`.booking[data-id="${ids[0]}"] [data-select]`);
    await first.focus();
    await page.keyboard.press('Space');
    expect(await first.isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: /^Select Past Two / }).check();
    await page.getByRole('checkbox', { name: /^Select Past Three / }).press('Space');
    await expect.poll(() => page.locator('[data-selected-count]').textContent()).toBe('3 selected');
    expect(await page.locator('.bulk-bar').isVisible()).toBe(true);
    await page.click('[data-bulk-action="no_show"]');
    await expect.poll(() => page.locator('[data-bulk-results]').textContent()).toContain('3 of 3 marked no-show.');
    // The rows were refreshed in place: each carries its badge now.
    for (const id of ids) await expect.poll(() => page.locator(`.booking[data-id="${id}"] .badge-bad`).textContent()).toBe('No-show');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('bulk cancel where one booking fails says which one and why', async () => {
    const page = await signIn(browser, base, 'manager@example.com');
    await page.goto(`${base}/app/bookings?tab=upcoming`);
    const a = await bookRavi(page, weekdayAt(9).start, 'Cancel Alpha');
    const b = await bookRavi(page, weekdayAt(weekdayAt(9).d + 1).start, 'Cancel Bravo');
    expect([a.status, b.status]).toEqual([201, 201]);
    await page.goto(`${base}/app/bookings?tab=upcoming&q=Cancel`);
    await page.getByRole('checkbox', { name: /^Select Cancel Alpha / }).check();
    await page.getByRole('checkbox', { name: /^Select Cancel Bravo / }).check();
    // Meanwhile someone else cancels Bravo.
    const other = await page.evaluate(async (id) => (await fetch(`/api/bookings/${id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, b.id);
    expect(other).toBe(200);
    await page.click('[data-bulk-open="cancel"]');
    await page.fill('.bulk-cancel textarea[name=reason]', 'Quarter planning week');
    await page.click('.bulk-cancel button[type=submit]');
    await expect.poll(() => page.locator('[data-bulk-results]').textContent()).toContain('1 of 2 cancelled. 1 not changed:');
    const failure = page.locator(`.bulk-failures li[data-id="${b.id}"]`);
    expect(await failure.textContent()).toMatch(/^Cancel Bravo .*: This booking can no longer be changed\.$/);
    // Alpha left the Upcoming tab; it is Cancelled with the reason.
    await expect.poll(() => page.locator(`.booking[data-id="${a.id}"]`).count()).toBe(0);
    const cancelled = await page.evaluate(async (id) => (await (await fetch(`/api/bookings/${id}`)).json()).booking, a.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'Quarter planning week' });
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('a viewer gets no checkboxes and no bulk bar', async () => {
    const page = await signIn(browser, base, 'viewer@example.com');
    for (const tab of ['upcoming', 'past']) {
      await page.goto(`${base}/app/bookings?tab=${tab}`);
      expect(await page.locator('[data-select], [data-bulk]').count()).toBe(0);
    }
    await page.context().close();
  });
});

