import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { axeViolations, launch, signIn } from './browser';

const base = inject('baseUrl');
let browser: Browser;

/** A receiver on 127.0.0.1 (plain http is allowed there outside production): it keeps what arrives and answers 200. */
type Received = { headers: IncomingHttpHeaders; body: string };
const received: Received[] = [];
let receiver: Server;
let receiverUrl: string;

beforeAll(async () => {
  browser = await launch();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks from the receiver');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/bookings`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const verified = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }) as { type: string };

describe('Webhooks page in Chromium', () => {
  it('a rep adds an endpoint, sees its secret once, sends a test and finds it in the delivery log, on a phone', async () => {
    const page = await signIn(browser, base, 'rep1@example.com', { viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/app/webhooks`);
    expect(await page.getAttribute('.sidebar a[href="/app/webhooks"]', 'aria-current')).toBe('page');
    expect(await page.textContent('[data-endpoint-list]')).toContain('No endpoints yet');
    // Every booking event is offered, described, and checked to start with.
    const events = await page.$$eval('input[name=events]', (els) => els.map((el) => [(el as HTMLInputElement).value, (el as HTMLInputElement).checked]));
    expect(events).toEqual([
      ['booking.created', true],
      ['booking.rescheduled', true],
      ['booking.cancelled', true],
      ['booking.attendance_marked', true],
    ]);
    expect(await page.locator('input[name=organization]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // A refused URL: the issue sits beside the field, and what was typed stays.
    await page.fill('#wh-url', 'ftp://example.com/hook');
    await page.click('form[data-create-webhook] button[type=submit]');
    await expect.poll(() => page.textContent('#wh-url-error')).not.toBe('');
    expect(await page.getAttribute('#wh-url', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#wh-url')).toBe('ftp://example.com/hook');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('wh-url');
    expect(await axeViolations(page)).toEqual([]);

    // Created: the secret is shown once, in its panel, and the endpoint joins the list.
    await page.fill('#wh-url', receiverUrl);
    await page.uncheck('input[value="booking.attendance_marked"]');
    await page.click('form[data-create-webhook] button[type=submit]');
    const panel = page.locator('[data-new-secret]');
    await panel.waitFor({ state: 'visible' });
    const secret = (await panel.locator('[data-secret-value]').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await panel.textContent()).toContain('only time it is shown');
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-new-secret'))).toBe(true);
    expect(await page.getAttribute('#wh-url', 'aria-invalid')).toBeNull();
    const card = page.locator('[data-endpoint]', { hasText: receiverUrl });
    expect(await card.locator('[data-endpoint-status]').textContent()).toBe('Active');
    expect(await card.locator('.wh-events li').allTextContents()).toEqual(['booking.created', 'booking.rescheduled', 'booking.cancelled']);
    expect(await axeViolations(page)).toEqual([]);
    // Nothing on the page is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.reload();
    expect(await page.locator('[data-new-secret]').isHidden()).toBe(true);
    expect(await page.content()).not.toContain(secret);

    // The delivery log: empty at first, then the test ping, delivered and verifiable with the secret.
    await Promise.all([page.waitForURL(/\/app\/webhooks\/[^/?]+$/), page.locator('[data-endpoint]', { hasText: receiverUrl }).getByRole('link', { name: /Delivery log/ }).click()]);
    expect(await page.textContent('[data-delivery-log]')).toContain('Send a test to see a delivery here');
    await page.click('[data-action="test"]');
    await expect.poll(() => page.textContent('[data-row-status]')).toContain('Test ping queued');
    const ping = page.locator('tr[data-event-type="ping"]');
    await expect.poll(() => ping.locator('[data-delivery-status]').textContent(), { timeout: 20_000 }).toBe('Delivered');
    expect(await ping.locator('[data-attempts-summary]').textContent()).toMatch(/^1 attempt · HTTP 200/);
    expect(received).toHaveLength(1);
    expect(verified(secret, received[0]).type).toBe('ping');
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Replay: queued, then sent again with the same webhook-id.
    await ping.getByRole('button', { name: /Replay/ }).click();
    await expect.poll(() => page.locator('[data-replay-status]').first().textContent()).toBe('Replay queued');
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(2);
    expect(received[1].headers['webhook-id']).toBe(received[0].headers['webhook-id']);
    expect(verified(secret, received[1]).type).toBe('ping');

    // Rotate asks first, then shows the new secret once; both signatures verify for now.
    await page.click('[data-action="rotate"]');
    expect(await page.getAttribute('[data-action="rotate"]', 'aria-expanded')).toBe('true');
    await page.click('[data-action="rotate-confirm"]');
    const rotated = page.locator('[data-rotated-secret]');
    await rotated.waitFor({ state: 'visible' });
    const newSecret = (await rotated.locator('[data-secret-value]').textContent()) ?? '';
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);

    // Pause and resume, announced, focus kept on the switch; a paused endpoint's deliveries are not replayed.
    await page.click('[data-action="pause"]');
    await expect.poll(() => page.textContent('[data-endpoint-status]')).toBe('Paused');
    expect(await page.textContent('[data-row-status]')).toContain('Paused');
    await expect.poll(() => ping.getByRole('button', { name: /Replay/ }).isDisabled()).toBe(true);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.action)).toBe('resume');
    await page.click('[data-action="resume"]');
    await expect.poll(() => page.textContent('[data-endpoint-status]')).toBe('Active');

    // Edit in place: an issue beside the events, then the saved events shown.
    await page.click('[data-action="edit"]');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('url');
    for (const box of await page.locator('form[data-edit-webhook] input[name=events]').all()) await box.uncheck();
    await page.click('form[data-edit-webhook] button[type=submit]');
    await expect.poll(() => page.textContent('form[data-edit-webhook] [data-error-for="events"]')).not.toBe('');
    expect(await page.getAttribute('form[data-edit-webhook] input[value="booking.created"]', 'aria-invalid')).toBe('true');
    await page.check('form[data-edit-webhook] input[value="booking.cancelled"]');
    await page.click('form[data-edit-webhook] button[type=submit]');
    await expect.poll(() => page.locator('.wh-detail .wh-events li').allTextContents()).toEqual(['booking.cancelled']);
    expect(await page.textContent('[data-row-status]')).toContain('Saved');

    // Delete asks inline (Escape steps back), then the endpoint is gone.
    await page.click('[data-action="delete"]');
    await page.keyboard.press('Escape');
    expect(await page.isHidden('[data-confirm="delete"]')).toBe(true);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.action)).toBe('delete');
    await page.click('[data-action="delete"]');
    await Promise.all([page.waitForURL(`${base}/app/webhooks?notice=deleted`), page.click('[data-action="delete-confirm"]')]);
    expect(await page.textContent('[data-notice]')).toContain('Endpoint deleted');
    expect(await page.textContent('[data-endpoint-list]')).not.toContain(receiverUrl);
    // A long walk through the page on two shared cores: more than the suite's 60 s default.
  }, 120_000);

  it('a viewer without edit is told why instead of getting a form; an admin may add an organization endpoint', async () => {
    const viewer = await signIn(browser, base, 'viewer@example.com');
    await viewer.goto(`${base}/app/webhooks`);
    expect(await viewer.locator('form[data-create-webhook]').count()).toBe(0);
    expect(await viewer.textContent('main')).toContain('Webhooks need the edit permission');
    expect(await axeViolations(viewer)).toEqual([]);

    const admin = await signIn(browser, base, 'admin@example.com');
    await admin.goto(`${base}/app/webhooks`);
    await admin.fill('#wh-url', receiverUrl);
    await admin.check('input[name=organization]');
    await admin.click('form[data-create-webhook] button[type=submit]');
    await admin.locator('[data-new-secret]').waitFor({ state: 'visible' });
    expect(await admin.locator('[data-endpoint]', { hasText: receiverUrl }).textContent()).toContain('Organization');
    // Copy puts the secret on the clipboard-or-selection path and says so.
    await admin.click('[data-new-secret] [data-action="copy-secret"]');
    await expect.poll(() => admin.textContent('[data-new-secret] [data-copy-status]')).not.toBe('');
    await admin.click('[data-new-secret] [data-action="dismiss-secret"]');
    expect(await admin.locator('[data-new-secret]').isHidden()).toBe(true);
    expect(await admin.textContent('[data-new-secret] [data-secret-value]')).toBe('');
  });
});
