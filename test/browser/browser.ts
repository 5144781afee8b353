import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const launch = (): Promise<Browser> => chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });

let clients = 0;

/**
 * A fresh browser context that is its own client: a distinct X-Test-Client-IP (dev/test only),
 * so the suite's many sign-ins and bookings don't share one address's rate limits.
 * bypassCSP only so axe-core can be injected; the app's own scripts never need it.
 */
export async function newClient(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  clients++;
  const context = await browser.newContext({
    bypassCSP: true,
    timezoneId: 'America/Los_Angeles',
    ...options,
    extraHTTPHeaders: { 'x-test-client-ip': `198.18.${(process.pid + clients) % 250}.${clients % 250}`, ...options.extraHTTPHeaders },
  });
  return context.newPage();
}

export async function signIn(browser: Browser, base: string, email: string, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await newClient(browser, options);
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'demo-password');
  await Promise.all([page.waitForURL(`${base}/app/bookings`), page.click('button[type=submit]')]);
  return page;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious or critical axe-core violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
}
