/**
 * Page weights (every page ≤ 30 KB gzipped with what it loads) on the bench's server: each page's
 * HTML plus every stylesheet and script it links, read from its own <link>/<script> tags
 * (bench/booker-pages.ts's weigh), so a split stylesheet is counted as the browser loads it.
 * The admin sees every page and user of the organization (500+ here). Called by bench/run.ts;
 * BENCH_ONLY=weights runs these and the booker pages' weights alone.
 */
import { kb, weigh } from './booker-pages.ts';

type Row = { figure: string; value: string; baseline: string; ratio: string; goal: string };

const DAY = 86_400_000;

export async function benchPageWeights(base: string, token: string, now: number): Promise<Row[]> {
  const nowHeader = { 'x-test-now': new Date(now).toISOString() };
  const cookie = { cookie: `session=${token}`, ...nowHeader };
  const pages: [string, string, Record<string, string>][] = [
    ['/app/bookings, 25 rows', '/app/bookings', cookie],
    ['/app/pages, 500+ pages (admin)', '/app/pages', cookie],
    ['/app/pages/new', '/app/pages/new', cookie],
    ['/app/pages/:id (a bench page)', '/app/pages/1000', cookie],
    ['/app/availability', '/app/availability', cookie],
    ['/app/team, 500+ users (admin)', '/app/team', cookie],
    ['/app/workflows (500+ pages to pick from)', '/app/workflows', cookie],
    ['/app/webhooks', '/app/webhooks', cookie],
  ];
  const invite = await fetch(`${base}/api/users`, {
    method: 'POST',
    // Later than every other email of the run, so the mailbox (newest first, 200 shown) lists it.
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-test-now': new Date(now + 30 * DAY).toISOString() },
    body: JSON.stringify({ name: 'Bench Invitee', email: 'bench-invitee@example.com', teamId: 100, role: 'sales_rep' }),
  });
  const mailbox = await (await fetch(`${base}/dev/mailbox`)).text();
  const setPasswordPath = mailbox.match(/\/set-password\/[A-Za-z0-9_-]+/)?.[0];
  if (invite.ok && setPasswordPath) pages.push(['/set-password/:token', setPasswordPath, {}]);
  else console.error(`no invite link for the set-password page weight (POST /api/users → ${invite.status})`);
  const rows: Row[] = [];
  for (const [label, path, headers] of pages) {
    const page = await weigh(base, path, headers);
    rows.push({ figure: `gzipped weight of ${label} (HTML + CSS + JS, ${page.files} files)`, value: kb(page.bytes), baseline: '', ratio: '', goal: '≤ 30 KB' });
  }
  return rows;
}
