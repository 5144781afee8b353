/**
 * Bookings page figures (SPEC 13) on the bench's 100,000-booking server: the tab counts, a
 * filtered tab (host + dates), the page itself with counts, and the CSV export of every row
 * (time to the last byte, and the peak resident memory of the server's workerd while it streams).
 * Called by bench/run.ts with the admin's headers and its timeRequests.
 */
import { execFileSync } from 'node:child_process';

type Row = { figure: string; value: string; baseline: string; ratio: string; goal: string };
type Timer = (n: number, f: (i: number) => Promise<Response>) => Promise<{ median: number }>;

const ms = (v: number) => `${v.toFixed(2)} ms`;
const row = (figure: string, value: number, baseline: number, goal = ''): Row => ({ figure, value: ms(value), baseline: ms(baseline), ratio: `${(value / baseline).toFixed(2)}×`, goal });

/** The workerd processes under the `wrangler dev` that listens on `port` (KB of RSS summed), or null when not found. */
function serverRssKb(port: string): number | null {
  let table: string;
  try {
    table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' });
  } catch {
    return null;
  }
  const procs = table
    .split('\n')
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => !!m)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), rss: Number(m[3]), args: m[4] }));
  const roots = procs.filter((p) => /wrangler/.test(p.args) && /\bdev\b/.test(p.args) && new RegExp(`--port[ =]${port}\\b`).test(p.args));
  if (roots.length === 0) return null;
  const tree = new Set(roots.map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!tree.has(p.pid) && tree.has(p.ppid)) (tree.add(p.pid), (grew = true));
  }
  const workerd = procs.filter((p) => tree.has(p.pid) && /workerd/.test(p.args));
  return workerd.length ? workerd.reduce((sum, p) => sum + p.rss, 0) : null;
}

export async function benchBookingsPage(base: string, headers: Record<string, string>, timeRequests: Timer): Promise<Row[]> {
  const rows: Row[] = [];
  const port = new URL(base).port;
  const get = (path: string) => fetch(`${base}${path}`, { headers });
  const token = (headers.authorization ?? headers.Authorization ?? '').replace(/^Bearer /, '');
  const page = (path: string) => fetch(`${base}${path}`, { headers: { ...headers, cookie: `session=${token}` } });

  // Warm every path once.
  await timeRequests(10, () => fetch(`${base}/healthz`));
  await timeRequests(3, () => get('/api/bookings/counts'));
  const trivial = (await timeRequests(100, () => fetch(`${base}/healthz`))).median;

  const counts = await timeRequests(30, () => get('/api/bookings/counts'));
  rows.push(row('Tab counts, all four tabs, 100,000 bookings (admin, scope all; GET /api/bookings/counts)', counts.median, trivial, '≤ 2× trivial'));
  // One bench host's upcoming bookings over three months (bench hosts are ids 1000–1499, 200 bookings each).
  const filter = 'hostId=1250&from=2027-01-04&to=2027-03-31';
  const filtered = await timeRequests(30, () => get(`/api/bookings?tab=upcoming&limit=50&${filter}`));
  rows.push(row('Upcoming tab, 50 rows, filtered by host and dates (100,000 bookings)', filtered.median, trivial, '≤ 2× trivial'));
  const filteredCounts = await timeRequests(30, () => get(`/api/bookings/counts?${filter}`));
  rows.push(row('Tab counts under the same host and date filters', filteredCounts.median, trivial, '≤ 2× trivial'));
  const html = await timeRequests(20, () => page('/app/bookings?tab=upcoming'));
  rows.push(row('/app/bookings, 25 rows with the four tab counts (HTML, one D1 round trip for list + counts)', html.median, trivial));

  // The export of every booking: time to the last byte, rows counted, workerd's memory sampled meanwhile.
  const before = serverRssKb(port);
  let peak = before ?? 0;
  const sampler = setInterval(() => {
    const now = serverRssKb(port);
    if (now !== null && now > peak) peak = now;
  }, 50);
  const t0 = performance.now();
  const res = await get('/api/bookings/export.csv');
  let bytes = 0;
  let lines = 0;
  let firstByte = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (!firstByte) firstByte = performance.now() - t0;
    bytes += value.length;
    for (const b of value) if (b === 10) lines++;
  }
  const total = performance.now() - t0;
  clearInterval(sampler);
  const after = serverRssKb(port);
  if (after !== null && after > peak) peak = after;
  const records = lines - 1;
  rows.push({
    figure: `CSV export of every booking (${records.toLocaleString('en-US')} rows, ${(bytes / 1_048_576).toFixed(1)} MB), time to last byte (first byte ${firstByte.toFixed(0)} ms)`,
    value: ms(total),
    baseline: ms(trivial),
    ratio: `${(total / trivial).toFixed(0)}×`,
    goal: '',
  });
  rows.push({
    figure:
      before === null
        ? 'CSV export: workerd peak memory (not measured: no workerd under this server found by ps)'
        : `CSV export: workerd peak resident memory while streaming (before: ${(before / 1024).toFixed(0)} MB)`,
    value: before === null ? '—' : `${(peak / 1024).toFixed(0)} MB`,
    baseline: '',
    ratio: before === null ? '' : `+${((peak - before) / 1024).toFixed(0)} MB`,
    goal: 'does not grow with rows',
  });
  return rows;
}
