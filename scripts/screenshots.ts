/**
 * Screenshots of the booker's pages (SPEC 10), so anyone can look at them without driving a
 * browser by hand: the booking page on a phone (390×844) and a desktop, in English and German,
 * the details step, the confirmation and the manage page, into screenshots/ (git-ignored).
 * Starts its own `wrangler dev` on a fresh, seeded local D1 and stops it afterwards; with
 * `--base <url>` it uses a server that is already running instead.
 * Usage: node scripts/screenshots.ts [--port 8797] [--base http://127.0.0.1:8787]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const port = Number(option('--port') ?? 8797);
const out = join(import.meta.dirname, '..', 'screenshots');
const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };

async function startServer(): Promise<{ base: string; stop: () => void }> {
  const state = mkdtempSync(join(tmpdir(), 'shots-d1-'));
  const run = (cmd: string, argv: string[]) => execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } });
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
  run('node', ['scripts/seed.ts', '--persist-to', state]);
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn('wrangler', ['dev', '--port', String(port), '--persist-to', state, '--ip', '127.0.0.1', '--var', `APP_URL:${base}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    rmSync(state, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, stop };
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`wrangler dev did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

let client = 0;
async function open(browser: Browser, viewport: keyof typeof VIEWPORTS, lang: 'en' | 'de'): Promise<Page> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    locale: lang === 'de' ? 'de-DE' : 'en-US',
    timezoneId: lang === 'de' ? 'Europe/Berlin' : 'America/Los_Angeles',
    extraHTTPHeaders: { 'accept-language': lang === 'de' ? 'de-DE,de;q=0.9' : 'en-US,en;q=0.9', 'x-test-client-ip': `198.51.100.${++client}` },
  });
  return context.newPage();
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(out, `${name}.png`), fullPage: true });

async function main() {
  mkdirSync(out, { recursive: true });
  const given = option('--base');
  const server = given ? { base: given, stop: () => {} } : await startServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    for (const viewport of ['phone', 'desktop'] as const) {
      for (const [lang, slug] of [['en', 'ravi-intro'], ['de', 'jonas-beratung']] as const) {
        const page = await open(browser, viewport, lang);
        await page.goto(`${server.base}/b/${slug}`);
        await page.locator('[data-times] button').first().waitFor();
        await shot(page, `booking-${lang}-${viewport}`);
        await page.locator('[data-times] button').first().click();
        await shot(page, `details-${lang}-${viewport}`);
        await page.fill('input[name=name]', lang === 'de' ? 'Greta Beispiel' : 'Priya Shah');
        await page.fill('input[name=email]', `shots.${lang}.${viewport}@example.org`);
        for (const input of await page.locator('[data-book-form] input[required][name^="q:"]').all()) await input.fill('Initech');
        await Promise.all([page.waitForURL(/\/manage\/.*booked=1/), page.click('[data-book-form] button[type=submit]')]);
        await shot(page, `confirmation-${lang}-${viewport}`);
        await page.goto(page.url().replace(/\?.*$/, ''));
        await page.locator('[data-reschedule] summary').click();
        await shot(page, `manage-${lang}-${viewport}`);
        await page.context().close();
      }
    }
    console.log(`Screenshots in ${out}`);
  } finally {
    await browser.close();
    server.stop();
  }
}

await main();
