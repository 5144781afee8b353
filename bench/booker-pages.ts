/**
 * The booker pages' budget (SPEC 10: ≤ 30 KB gzipped with everything they load): /b/<slug> and
 * a manage page, each HTML plus every stylesheet and script it links, gzipped as a browser
 * would receive them. The manage page comes from a booking made through the public API at the
 * bench's clock (X-Test-Now) from a client address of its own (X-Test-Client-IP).
 */
import { gzipSync } from 'node:zlib';

type Row = { figure: string; value: string; baseline: string; ratio: string; goal: string };

/** bench/run.ts's clock: its pages have free time from here on. */
const BENCH_NOW = '2027-01-04T12:00:00Z';
const SLUG = 'bench-1';

/** A page's HTML gzipped plus every stylesheet and script it links (as a browser loads them); `files` counts the HTML too. */
export async function weigh(base: string, path: string, headers: Record<string, string>): Promise<{ bytes: number; files: number }> {
  const get = async (p: string, h: Record<string, string> = {}) => {
    const res = await fetch(`${base}${p}`, { headers: h, redirect: 'manual' });
    // A weight of the sign-in redirect or the 404 page would be a figure of the wrong page.
    if (!res.ok) throw new Error(`page weight: ${p} answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const html = await get(path, headers);
  const assets = [...html.toString('utf8').matchAll(/<(?:link[^>]+href|script[^>]+src)="(\/[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  let bytes = gzipSync(html).length;
  for (const asset of assets) bytes += gzipSync(await get(asset)).length;
  return { bytes, files: 1 + assets.length };
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** `now` and `slug` default to bench/run.ts's clock and first page; other values let it run against a dev server. */
export async function benchBookerPages(base: string, now = BENCH_NOW, slug = SLUG): Promise<Row[]> {
  const headers = { 'x-test-now': now };
  const page = await weigh(base, `/b/${slug}`, headers);
  const from = new Date(Date.parse(now) + 86_400_000).toISOString();
  const to = new Date(Date.parse(now) + 31 * 86_400_000).toISOString();
  const slots = (await (await fetch(`${base}/api/public/pages/${slug}/slots?from=${from}&to=${to}`, { headers })).json()) as { slots: { start: string }[] };
  const start = slots.slots.at(-1)?.start;
  if (!start) throw new Error(`no free slot on /b/${slug} to book for the manage page`);
  const res = await fetch(`${base}/api/public/pages/${slug}/bookings`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'x-test-client-ip': '192.0.2.250' },
    body: JSON.stringify({ start, name: 'Bench Booker', email: 'bench.booker@example.org', timezone: 'Europe/Berlin', locale: 'de' }),
  });
  if (res.status !== 201) throw new Error(`bench booking: ${res.status} ${await res.text()}`);
  const { manageUrl } = (await res.json()) as { manageUrl: string };
  const manage = await weigh(base, new URL(manageUrl).pathname, headers);
  return [
    { figure: `gzipped weight of /b/:slug (HTML + CSS + JS, ${page.files} files)`, value: kb(page.bytes), baseline: '', ratio: '', goal: '≤ 30 KB' },
    { figure: `gzipped weight of /b/:slug/manage/:token (HTML + CSS + JS, ${manage.files} files)`, value: kb(manage.bytes), baseline: '', ratio: '', goal: '≤ 30 KB' },
  ];
}
