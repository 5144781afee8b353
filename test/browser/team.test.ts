import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launch, newClient, signIn } from './browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The set-password link of the newest invitation to `email`, as the dev mailbox shows it. */
async function mailedLink(page: Page, email: string): Promise<string> {
  await page.goto(`${base}/dev/mailbox`);
  const text = await page.locator('article.mail', { hasText: `To ${email}` }).first().locator('pre').textContent();
  const link = text?.match(/https?:\/\/\S+\/set-password\/[A-Za-z0-9_-]+/)?.[0];
  if (!link) throw new Error(`no set-password link for ${email} in the mailbox`);
  return link;
}

describe('Team page and invitations in Chromium', () => {
  it('an admin invites a user, who sets a password from the mailed link and signs in with it', async () => {
    const email = `bea.${process.pid}@example.com`;
    const admin = await signIn(browser, base, 'admin@example.com');
    await admin.goto(`${base}/app/team`);
    expect(await admin.getAttribute('.sidebar a[href="/app/team"]', 'aria-current')).toBe('page');
    expect(await axeViolations(admin)).toEqual([]);

    // A server issue lands next to its field, and what was typed stays.
    await admin.fill('#invite-name', 'Bea Browser');
    await admin.fill('#invite-email', 'rep1@example.com');
    await admin.selectOption('#invite-teamId', { label: 'West' });
    await admin.selectOption('#invite-role', 'sales_rep');
    await admin.click('form[data-invite] button[type=submit]');
    await expect.poll(() => admin.textContent('#invite-email-error')).toBe('Already has an account');
    expect(await admin.getAttribute('#invite-email', 'aria-invalid')).toBe('true');
    expect(await admin.inputValue('#invite-name')).toBe('Bea Browser');
    expect(await admin.evaluate(() => document.activeElement?.id)).toBe('invite-email');

    await admin.fill('#invite-email', email);
    await Promise.all([admin.waitForURL(/\/app\/team\?invited=\d+$/), admin.click('form[data-invite] button[type=submit]')]);
    expect(await admin.textContent('[data-notice]')).toContain(`Invitation sent to Bea Browser (${email})`);
    const row = admin.locator('tr', { hasText: email });
    expect(await row.locator('[data-status-badge]').textContent()).toBe('Invited');

    // Inline role change, announced in the row; the admin's own role cannot be changed.
    await row.locator('select[name=role]').selectOption('viewer');
    await row.locator('button[type=submit]').click();
    await expect.poll(() => row.locator('[data-row-status]').textContent()).toContain('Saved: Bea Browser is now');
    // A new link from the row: the row's status says so (the user is read from the row itself).
    await row.locator('[data-resend]').click();
    await expect.poll(() => row.locator('[data-row-status]').textContent()).toContain('New link sent');
    const own = admin.locator('tr', { hasText: 'admin@example.com' }).locator('select[name=role]');
    expect(await own.isDisabled()).toBe(true);
    expect(await own.getAttribute('aria-describedby')).toMatch(/^own-role-/);

    const link = await mailedLink(admin, email);
    const invited = await newClient(browser);
    await invited.goto(link);
    expect(await invited.textContent('h1')).toBe('Set your password');
    expect(await invited.inputValue('input[name=email]')).toBe(email);
    expect(await axeViolations(invited)).toEqual([]);
    // The rule is shown, and a mismatch is answered next to the field.
    expect(await invited.textContent('#password-hint')).toContain('At least 12 characters');
    await invited.fill('#password', 'a long new password');
    await invited.fill('#confirm', 'a long new passw0rd');
    await invited.click('button[type=submit]');
    await expect.poll(() => invited.textContent('#confirm-error')).toBe('The two passwords differ');
    await invited.fill('#password', 'a long new password');
    await invited.fill('#confirm', 'a long new password');
    await Promise.all([invited.waitForURL(`${base}/app/bookings`), invited.click('button[type=submit]')]);
    expect(await invited.textContent('.sidebar')).toContain('Sign out (Bea Browser)');

    // Signed out, then in again with the new password; the link is spent.
    await Promise.all([invited.waitForURL(`${base}/login`), invited.click('.sidebar button')]);
    await invited.fill('input[name=email]', email);
    await invited.fill('input[name=password]', 'a long new password');
    await Promise.all([invited.waitForURL(`${base}/app/bookings`), invited.click('button[type=submit]')]);
    await invited.goto(link);
    expect(await invited.textContent('h1')).toBe('This link no longer works');
    expect(await invited.content()).not.toContain(email);

    await admin.goto(`${base}/app/team`);
    expect(await admin.locator('tr', { hasText: email }).locator('[data-status-badge]').textContent()).toBe('Active');
    await admin.context().close();
    await invited.context().close();
  });

  it('anyone but an admin gets the 404 page at /app/team, and no Team item', async () => {
    for (const email of ['manager@example.com', 'viewer@example.com']) {
      const page = await signIn(browser, base, email);
      expect(await page.locator('.sidebar a[href="/app/team"]').count()).toBe(0);
      const res = await page.goto(`${base}/app/team`);
      expect(res?.status()).toBe(404);
      expect(await page.textContent('h1')).toBe('Page not found');
      await page.context().close();
    }
  });
});
