import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launch, signIn } from './browser';

const base = inject('baseUrl');
let browser: Browser;
let rep: Page;
// Unique per run: the suite's server keeps its D1 for the whole browser project.
const slug = `browser-flows-${Date.now().toString(36)}`;
let pageId = 0;
let bookingId = '';
let bookingStart = '';
const bookerEmail = `flow.booker.${Date.now().toString(36)}@example.org`;

type Workflow = { id: number; name: string; trigger: string; offsetMinutes: number | null; action: string; active: boolean; subject: string | null; body: string | null };
const words = (t: string) => t.replace(/\s+/g, ' ').trim();
const apiWorkflows = async (): Promise<Workflow[]> => (await (await rep.request.get(`${base}/api/scheduling-pages/${pageId}/workflows`)).json()).workflows;

/** A time as the timeline shows it: in the viewer's zone (the browser's, Los Angeles). */
const la = (ms: number) =>
  new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: 'America/Los_Angeles' }).format(new Date(ms));
const timelineTexts = async (timeline: ReturnType<Page['locator']>) =>
  (await timeline.locator('.mt-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText))).map(words);
/** The booking's message timeline as its drawer on /app/bookings shows it. */
async function drawerTimeline(): Promise<string[]> {
  await rep.goto(`${base}/app/bookings?pageId=${pageId}`);
  const row = rep.locator(`.booking[data-id="${bookingId}"]`);
  await row.locator('.row').click();
  await rep.locator(`.booking[data-id="${bookingId}"] [data-messages][data-loaded=true]`).waitFor();
  return timelineTexts(row.locator('[data-messages-list]'));
}

beforeAll(async () => {
  browser = await launch();
  rep = await signIn(browser, base, 'rep1@example.com');
  // A new page of the rep's (it gets the default workflows), and a booking on it two days ahead.
  const created = await rep.request.post(`${base}/api/scheduling-pages`, {
    headers: { origin: base },
    data: { title: 'Workflow demo', slug, durationMinutes: 30, timezone: 'America/New_York', locationType: 'phone', locationValue: '+1 555 0142', strategy: 'individual', hosts: [{ userId: 3 }] },
  });
  expect(created.status()).toBe(201);
  pageId = (await created.json()).page.id;
  const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 9 * 86_400_000).toISOString();
  const { slots } = await (await rep.request.get(`${base}/api/public/pages/${slug}/slots?from=${from}&to=${to}&timezone=America/New_York`)).json();
  bookingStart = slots[0].start;
  const booked = await rep.request.post(`${base}/api/public/pages/${slug}/bookings`, {
    headers: { origin: base, 'x-test-client-ip': '203.0.113.151' },
    data: { start: bookingStart, name: 'Flo Booker', email: bookerEmail },
  });
  expect(booked.status()).toBe(201);
  bookingId = (await booked.json()).booking.id;
});
afterAll(async () => {
  await browser?.close();
});

describe('workflows in Chromium', () => {
  it('lists a page’s default workflows in words, with switches and edit links', async () => {
    await rep.goto(`${base}/app/workflows?pageId=${pageId}`);
    expect(await rep.locator('nav [aria-current=page]').textContent()).toBe('Workflows');
    expect(await rep.locator('#wf-page-title').textContent()).toBe('Workflow demo');
    const items = rep.locator('.wf-item');
    const texts = (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(texts.find((t) => t.includes('Reminder 24 hours before'))).toMatch(/24 hours before start.*Email the booker.*Built-in text/);
    expect(texts.find((t) => t.includes('Reminder 1 hour before'))).toMatch(/1 hour before start.*Email the booker/);
    expect(texts.find((t) => t.includes('We missed you'))).toMatch(/When marked no-show.*Email the booker/);
    const missed = rep.locator('.wf-item', { hasText: 'We missed you' }).locator('[role=switch]');
    expect(await missed.getAttribute('aria-checked')).toBe('false');
    expect(await rep.locator('.wf-item', { hasText: 'Reminder 1 hour before' }).locator('[role=switch]').getAttribute('aria-checked')).toBe('true');
    expect(await axeViolations(rep)).toEqual([]);
  });

  it('the drawer on the Bookings page shows the booking’s confirmation and reminders with their statuses', async () => {
    await rep.goto(`${base}/app/bookings?pageId=${pageId}`);
    const row = rep.locator(`.booking[data-id="${bookingId}"]`);
    await row.locator('.row').click();
    const timeline = row.locator('[data-messages-list]');
    await expect.poll(() => timeline.locator('.mt-item').count()).toBeGreaterThanOrEqual(3);
    const items = await timelineTexts(timeline);
    expect(items.find((t) => t.startsWith('Confirmation'))).toMatch(new RegExp(`^Confirmation (Sent|Pending) To ${bookerEmail.replace(/\./g, '\\.')}`));
    // Due exactly a day before the start, shown in the viewer's zone (the browser's: Los Angeles).
    expect(items.find((t) => t.startsWith('Reminder 24 hours before'))).toBe(words(`Reminder 24 hours before Pending To ${bookerEmail} · Due ${la(Date.parse(bookingStart) - 86_400_000)}`));
    expect(items.find((t) => t.startsWith('Reminder 1 hour before'))).toMatch(/^Reminder 1 hour before Pending/);
    expect(await axeViolations(rep)).toEqual([]);
  });

  it('a host changes the 1-hour reminder to 30 minutes; a bad offset is answered beside its field and what was typed stays', async () => {
    await rep.goto(`${base}/app/workflows?pageId=${pageId}`);
    await Promise.all([rep.waitForURL(/\/app\/workflows\/\d+$/), rep.click('a[aria-label="Edit Reminder 1 hour before"]')]);
    expect(await rep.inputValue('[name=offsetMinutes]')).toBe('1');
    expect(await rep.inputValue('[name=offsetUnit]')).toBe('60');
    // Built-in text, honestly: no subject or text fields until the host chooses to write their own.
    expect(await rep.locator('[name=customText][value=builtin]').isChecked()).toBe(true);
    expect(await rep.locator('[name=subject]').isVisible()).toBe(false);

    await rep.fill('[name=name]', 'Reminder 30 minutes before');
    await rep.fill('[name=offsetMinutes]', '2');
    await rep.selectOption('[name=offsetUnit]', '1');
    await rep.click('[data-workflow-form] button[type=submit]');
    const offset = rep.locator('#f-offsetMinutes');
    await expect.poll(() => offset.getAttribute('aria-invalid')).toBe('true');
    expect(await offset.getAttribute('aria-describedby')).toContain('e-offsetMinutes');
    expect(await rep.locator('[id="e-offsetMinutes"]').textContent()).not.toBe('');
    expect(await rep.locator('[data-form-alert]').isVisible()).toBe(true);
    expect(await rep.inputValue('[name=name]')).toBe('Reminder 30 minutes before');
    expect(await rep.inputValue('[name=offsetUnit]')).toBe('1');
    expect(await axeViolations(rep)).toEqual([]);

    await rep.fill('[name=offsetMinutes]', '30');
    await Promise.all([rep.waitForURL(/\/app\/workflows\?pageId=\d+&notice=saved$/), rep.click('[data-workflow-form] button[type=submit]')]);
    expect(await rep.locator('[data-status]').textContent()).toBe('Workflow saved.');
    await rep.reload();
    const item = rep.locator('.wf-item', { hasText: 'Reminder 30 minutes before' });
    expect((await item.textContent())!.replace(/\s+/g, ' ')).toMatch(/30 minutes before start/);
    const saved = (await apiWorkflows()).find((w) => w.name === 'Reminder 30 minutes before');
    expect(saved).toMatchObject({ trigger: 'before_start', offsetMinutes: 30, action: 'email_booker', active: true, subject: null, body: null });

    // The booking's pending reminder moved with it: now due 30 minutes before the start.
    const timeline = await drawerTimeline();
    expect(timeline.find((t) => t.startsWith('Reminder 30 minutes before'))).toBe(words(`Reminder 30 minutes before Pending To ${bookerEmail} · Due ${la(Date.parse(bookingStart) - 30 * 60_000)}`));
  });

  it('a host writes their own text with variables, then turns the workflow off with its switch', async () => {
    await rep.goto(`${base}/app/workflows?pageId=${pageId}`);
    await Promise.all([rep.waitForURL(/\/app\/workflows\/\d+$/), rep.click('a[aria-label="Edit We missed you"]')]);
    await rep.check('[name=customText][value=custom]');
    await rep.fill('[name=subject]', 'Sorry we missed you, ');
    await rep.click('[data-insert="{{bookerName}}"]');
    await rep.fill('[name=body]', 'Book again: ');
    await rep.click('[data-insert="{{bookingPageUrl}}"]');
    expect(await rep.inputValue('[name=body]')).toBe('Book again: {{bookingPageUrl}}');
    await Promise.all([rep.waitForURL(/notice=saved$/), rep.click('[data-workflow-form] button[type=submit]')]);
    expect((await apiWorkflows()).find((w) => w.name === 'We missed you')).toMatchObject({ subject: 'Sorry we missed you, {{bookerName}}', body: 'Book again: {{bookingPageUrl}}' });

    // The 24-hour reminder off, from the list, by keyboard; a reload keeps it off.
    const sw = rep.locator('.wf-item', { hasText: 'Reminder 24 hours before' }).locator('[role=switch]');
    await sw.focus();
    await rep.keyboard.press('Space');
    await expect.poll(() => sw.getAttribute('aria-checked')).toBe('false');
    expect(await rep.locator('[data-status]').textContent()).toContain('is off');
    await rep.reload();
    expect(await rep.locator('.wf-item', { hasText: 'Reminder 24 hours before' }).locator('[role=switch]').getAttribute('aria-checked')).toBe('false');
    expect((await apiWorkflows()).find((w) => w.name === 'Reminder 24 hours before')!.active).toBe(false);
    // Its message for the booking is cancelled, and the drawer says why.
    expect((await drawerTimeline()).find((t) => t.startsWith('Reminder 24 hours before'))).toMatch(/^Reminder 24 hours before Cancelled .*turned off/);
  });

  it('a viewer sees the page’s workflows read-only: no switches, no edit', async () => {
    const viewer = await signIn(browser, base, 'viewer@example.com');
    await viewer.goto(`${base}/app/workflows?pageId=${pageId}`);
    expect(await viewer.locator('#wf-page-title').textContent()).toBe('Workflow demo');
    expect(await viewer.locator('.wf-item').count()).toBe(3);
    expect(await viewer.locator('[role=switch]').count()).toBe(0);
    expect(await viewer.locator('a:has-text("Edit"), a:has-text("New workflow")').count()).toBe(0);
    expect(await viewer.locator('.pe-readonly').textContent()).toContain('not change them');
    expect(await axeViolations(viewer)).toEqual([]);
    await viewer.context().close();
  });
});
