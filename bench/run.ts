/**
 * npm run bench: every figure as a median over repeated runs, beside the trivial route
 * (/healthz) measured in the same run. Prints one table; asserts nothing.
 *
 * 1. Slot computation in Node: 31 days, collective page, 5 hosts × 300 confirmed bookings.
 * 2. Against `wrangler dev` with a local D1 holding 100,000 bookings over 500 hosts:
 *    booking POST latency and throughput (autocannon), 100 concurrent contenders for one slot,
 *    the Upcoming tab (50 rows), the briefing sweep with 500 due, page weights (gzip) of every
 *    page, the Bookings page's counts, filters and CSV export (bench/bookings-page.ts), and the
 *    booker pages' budget (bench/booker-pages.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchBookingsPage } from './bookings-page.ts';
import { benchBookerPages } from './booker-pages.ts';
import { benchPageWeights } from './page-weights.ts';
import { benchSlots } from './slots.ts';
import { benchWorkflows } from './workflows.ts';
import { benchDistance, benchEdge, edgeData, startServer } from './edge.ts';
import { median, timeRequests } from './timing.ts';

// BENCH_PORT: another port, so two benches (or a helper's dev server) do not meet on one.
const PORT = Number(process.env.BENCH_PORT ?? 8793);
const BASE = `http://127.0.0.1:${PORT}`;
const HOSTS = 500;
const BOOKINGS = 100_000;
const DAY = 86_400_000;
const MIN = 60_000;

const rows: { figure: string; value: string; baseline: string; ratio: string; goal: string }[] = [];
const record = (figure: string, value: number, unit: string, baseline?: number, goal = '') =>
  rows.push({
    figure,
    value: `${value.toFixed(unit === 'ms' ? 2 : 0)} ${unit}`,
    baseline: baseline === undefined ? '' : `${baseline.toFixed(2)} ms`,
    ratio: baseline === undefined ? '' : `${(value / baseline).toFixed(2)}×`,
    goal,
  });

/**
 * Each host's first bookings are due for a briefing at these offsets from T (a sweep each, so
 * 500 due per sweep); the other bookings sit at times of day outside every due window.
 */
const DUE_OFFSET_HOURS = [0, 3, 6, 20, 23];

/**
 * SQL for 500 hosts with individual pages and 100,000 bookings. Every due booking's booker is a
 * CRM person with 8 activities and 2 opportunities (one open), so a briefing reads real material.
 */
function benchData(now: number): string {
  const lines: string[] = ["INSERT OR IGNORE INTO teams (id, name) VALUES (100, 'Bench');"];
  const values = (rowsSql: string[]) => rowsSql.join(',\n');
  const hash = 'pbkdf2$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  const users: string[] = [];
  const rules: string[] = [];
  const pages: string[] = [];
  const pageHosts: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const id = 1000 + h;
    users.push(`(${id}, 'Bench Host ${h}', 'bench${h}@example.com', '${hash}', 'UTC', 100, 'sales_rep')`);
    for (let d = 0; d < 7; d++) rules.push(`(${id}, ${d}, 0, 1440)`);
    pages.push(`(${id}, 'bench-${h}', ${id}, 'Bench ${h}', '', 30, 'UTC', 'phone', '+1 555 0000', 'individual', NULL, 30, 0, 365, 0, 0, '[]', 1, 1, ${now - 30 * DAY})`);
    pageHosts.push(`(${id}, ${id}, 1)`);
  }
  lines.push(`INSERT OR IGNORE INTO users (id, name, email, password_hash, timezone, team_id, role) VALUES ${values(users)};`);
  lines.push(`INSERT INTO availability_rules (user_id, day, start_minute, end_minute) VALUES ${values(rules)};`);
  lines.push(
    `INSERT OR IGNORE INTO scheduling_pages (id, slug, owner_id, title, description, duration_minutes, timezone, location_type, location_value, strategy, group_capacity, slot_interval_minutes, minimum_notice_minutes, horizon_days, buffer_before_minutes, buffer_after_minutes, questions, briefing_enabled, active, created_at) VALUES ${values(pages)};`,
  );
  lines.push(`INSERT OR IGNORE INTO page_hosts (page_id, user_id, weight) VALUES ${values(pageHosts)};`);
  const perHost = BOOKINGS / HOSTS;
  for (let h = 0; h < HOSTS; h++) {
    const host = 1000 + h;
    const series: string[] = [];
    const bookings: string[] = [];
    const bh: string[] = [];
    const claims: string[] = [];
    const persons: string[] = [];
    const activities: string[] = [];
    const opportunities: string[] = [];
    for (let k = 0; k < perHost; k++) {
      const id = `bb-${h}-${k}`;
      const due = k < DUE_OFFSET_HOURS.length;
      // The rest spread over ±100 days at 10:00–19:30 UTC, outside every due window.
      const start = due ? now + DUE_OFFSET_HOURS[k] * 3_600_000 + 30 * MIN : now + (k - perHost / 2) * DAY + 10 * 3_600_000 + (h % 20) * 30 * MIN;
      const end = start + 30 * MIN;
      const email = `b${h}x${k}@example.org`;
      let personId = 'NULL';
      if (due) {
        personId = String(100_000 + h * DUE_OFFSET_HOURS.length + k);
        persons.push(`(${personId}, '${email}', 'Booker ${h}-${k}', 'qualified', ${now - 90 * DAY})`);
        for (let a = 0; a < 8; a++) activities.push(`(${personId}, 'note', 'Call ${a}: discussed pricing and rollout for team ${h}', ${now - (a + 1) * DAY})`);
        opportunities.push(`(${personId}, 'Expansion ${h}-${k}', 'proposal', ${12_000 + h}, 'open')`, `(${personId}, 'Pilot ${h}-${k}', 'closed', 3000, 'won')`);
      }
      series.push(`('${id}', ${host}, '${id}@bench', ${now - 60 * DAY})`);
      bookings.push(
        `('${id}', '${id}', ${host}, ${host}, 'confirmed', ${start}, ${end}, 'UTC', 'Booker ${h}-${k}', '${email}', 'phone', '${id}@bench', ${personId}, ${now - 60 * DAY}, ${now - 60 * DAY})`,
      );
      bh.push(`('${id}', ${host})`);
      claims.push(`('${id}', ${host}, ${start}, ${end})`);
    }
    lines.push(`INSERT INTO persons (id, email, name, lifecycle_stage, created_at) VALUES ${values(persons)};`);
    lines.push(`INSERT INTO activities (person_id, kind, summary, occurred_at) VALUES ${values(activities)};`);
    lines.push(`INSERT INTO opportunities (person_id, name, stage, amount, status) VALUES ${values(opportunities)};`);
    lines.push(`INSERT INTO booking_series (id, page_id, ics_uid, created_at) VALUES ${values(series)};`);
    lines.push(
      `INSERT INTO bookings (id, series_id, page_id, host_id, status, start_at, end_at, timezone, booker_name, booker_email, location_type, ics_uid, person_id, created_at, updated_at) VALUES ${values(bookings)};`,
    );
    lines.push(`INSERT INTO booking_hosts (booking_id, user_id) VALUES ${values(bh)};`);
    lines.push(`INSERT INTO host_claims (booking_id, host_id, start_at, end_at) VALUES ${values(claims)};`);
  }
  lines.push(edgeData(now));
  return lines.join('\n');
}

async function serverBench() {
  const state = mkdtempSync(join(tmpdir(), 'bench-d1-'));
  const env = { ...process.env, CI: 'true' };
  const run = (args: string[]) => execFileSync('wrangler', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  run(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
  execFileSync('node', ['scripts/seed.ts', '--persist-to', state], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const T = Date.parse('2027-01-04T12:00:00Z');
  // Edge figures' day (bench/edge.ts): 70 days on, 09:00–17:00 UTC is free on every bench host
  // (their bookings sit at 22:00–07:30 UTC, one a day).
  const edgeDay = Date.UTC(2027, 2, 15);
  const file = join(state, 'bench.sql');
  writeFileSync(file, benchData(T));
  const loadStart = performance.now();
  run(['d1', 'execute', 'DB', '--local', '--persist-to', state, `--file=${file}`]);
  console.error(`loaded ${BOOKINGS} bookings in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

  const stopServer = await startServer(state, PORT);
  try {
    const nowHeader = { 'x-test-now': new Date(T).toISOString() };
    // Abuse limits count per client IP (SPEC 14): each booking comes from an address of its own,
    // as real bookers do, so the figures measure booking, not the limiter's 429s.
    let clientSeq = 0;
    const clientIp = () => {
      const n = clientSeq++;
      return { 'x-test-client-ip': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
    };
    const login = await fetch(`${BASE}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'demo-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}`, ...nowHeader };
    // BENCH_ONLY=workflows: the reminder sweep (bench/workflows.ts) beside the trivial route, nothing else.
    if (only?.has('workflows') && !only.has('server')) {
      await timeRequests(20, () => fetch(`${BASE}/healthz`));
      const trivial = await timeRequests(200, () => fetch(`${BASE}/healthz`));
      rows.push(...(await benchWorkflows(BASE, auth, T, trivial.median)));
      rows.push({ figure: 'trivial route /healthz (sequential median)', value: `${trivial.median.toFixed(2)} ms`, baseline: '', ratio: '', goal: '' });
      return;
    }
    // BENCH_ONLY=weights: every page's gzipped weight (bench/page-weights.ts, bench/booker-pages.ts), nothing else.
    if (only?.has('weights') && !only.has('server')) {
      rows.push(...(await benchPageWeights(BASE, token, T)));
      rows.push(...(await benchBookerPages(BASE, new Date(T).toISOString())));
      if (!only.has('bookings')) return;
    }
    if (only && !only.has('server')) {
      rows.push(...(await benchBookingsPage(BASE, auth, timeRequests)));
      return;
    }

    // Warm up every path once.
    await timeRequests(20, () => fetch(`${BASE}/healthz`));
    await timeRequests(5, () => fetch(`${BASE}/api/bookings?tab=upcoming&limit=50`, { headers: auth }));

    const trivial = await timeRequests(200, () => fetch(`${BASE}/healthz`));
    const upcoming = await timeRequests(100, () => fetch(`${BASE}/api/bookings?tab=upcoming&limit=50`, { headers: auth }));
    record('Upcoming tab, 50 rows, 100,000 bookings (admin, scope all)', upcoming.median, 'ms', trivial.median, '≤ 3× trivial');
    // A search that matches one booker: the filter walks the tab's index to its end.
    const search = await timeRequests(20, () => fetch(`${BASE}/api/bookings?tab=upcoming&limit=50&q=b499x150%40example.org`, { headers: auth }));
    record('Upcoming tab search matching one of 100,000 bookings (q)', search.median, 'ms', trivial.median);
    const broad = await timeRequests(20, () => fetch(`${BASE}/api/bookings?tab=upcoming&limit=50&q=example.org`, { headers: auth }));
    record('Upcoming tab search matching every booking (q)', broad.median, 'ms', trivial.median);

    // Booking POST latency: distinct free slots on distinct hosts, sequentially.
    let slotSeq = 0;
    // 08:00–17:30 UTC: between the seeded bookings of the day (22:00–07:30), so each request books.
    const nextStart = () => new Date(T + 2 * DAY - 4 * 3_600_000 + (slotSeq++ % 20) * 30 * MIN).toISOString();
    const post = await timeRequests(100, (i) =>
      fetch(`${BASE}/api/public/pages/bench-${i % HOSTS}/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...nowHeader, ...clientIp() },
        body: JSON.stringify({ start: nextStart(), name: 'Bench Booker', email: `post${i}@example.org` }),
      }),
    );
    record(`booking POST latency, back to back (each beside the one before's after-commit sends; ${JSON.stringify(post.statuses)})`, post.median, 'ms', trivial.median);

    // Throughput under load: many hosts, random future slots (conflicts answer 409).
    let n = 0;
    const load = await autocannon({
      url: BASE,
      connections: 20,
      duration: 8,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...nowHeader },
          setupRequest: (req: any) => {
            n++;
            const host = n % HOSTS;
            const start = new Date(T + (3 + (n % 60)) * DAY + (Math.floor(n / 60) % 40) * 30 * MIN).toISOString();
            return {
              ...req,
              headers: { ...req.headers, ...clientIp() },
              path: `/api/public/pages/bench-${host}/bookings`,
              body: JSON.stringify({ start, name: 'Load', email: `load${n}@example.org` }),
            };
          },
        },
      ],
    });
    const baseLoad = await autocannon({ url: `${BASE}/healthz`, connections: 20, duration: 5 });
    rows.push({
      figure: `booking POST throughput (autocannon, 20 connections, 500 hosts; 2xx ${load['2xx']}, non-2xx ${load.non2xx})`,
      value: `${load.requests.average.toFixed(0)} req/s`,
      baseline: `${baseLoad.requests.average.toFixed(0)} req/s`,
      ratio: `${(load.requests.average / baseLoad.requests.average).toFixed(2)}×`,
      goal: '',
    });
    record('booking POST latency under load (autocannon p50)', load.latency.p50, 'ms', baseLoad.latency.p50);

    // Issue 17 (bench/edge.ts): slots of a 3-host collective page, one booking POST on an idle
    // server and 100 contenders, each beside /healthz in the same rounds; round trips per endpoint.
    rows.push(...(await benchEdge(BASE, { now: new Date(T).toISOString(), individual: 'bench-11', day: edgeDay })));

    // Briefing sweep: 500 due among 100,000 bookings, one sweep per due hour.
    const sweeps: number[] = [];
    const deliveries: number[] = [];
    let briefed = 0;
    let delivered = 0;
    for (const hours of DUE_OFFSET_HOURS) {
      const res = await fetch(`${BASE}/dev/sweep`, { method: 'POST', headers: { 'x-test-now': new Date(T + hours * 3_600_000).toISOString() } });
      const stats = (await res.json()) as { briefed: number; briefingMs: number; outboxAttempted: number; outboxMs: number };
      sweeps.push(stats.briefingMs);
      deliveries.push(stats.outboxMs);
      briefed = stats.briefed;
      delivered = stats.outboxAttempted;
    }
    record(`briefing sweep, 100,000 bookings, ${briefed} due: find, claim, queue (excl. email I/O)`, median(sweeps), 'ms', trivial.median, '≤ 50 ms');
    record(`briefing delivery in the same run, ${delivered} composed from the CRM and kept in the local mailbox`, median(deliveries), 'ms', trivial.median);
    rows.push(...(await benchWorkflows(BASE, auth, T, trivial.median)));

    // Page weight, gzipped: each page's HTML + the CSS and JS it links (bench/page-weights.ts).
    rows.push(...(await benchPageWeights(BASE, token, T)));
    // Bookings page for people who live in it (SPEC 13) and the booker's pages (SPEC 10).
    rows.push(...(await benchBookingsPage(BASE, auth, timeRequests)));
    rows.push(...(await benchBookerPages(BASE, new Date(T).toISOString())));
    rows.push({ figure: 'trivial route /healthz (sequential median)', value: `${trivial.median.toFixed(2)} ms`, baseline: '', ratio: '', goal: '' });
  } finally {
    stopServer();
  }
  try {
    // The same database on a server whose every D1 round trip waits 50 ms (bench/edge.ts).
    await new Promise((r) => setTimeout(r, 2000));
    rows.push(...(await benchDistance(state, PORT, { now: new Date(T).toISOString(), individual: 'bench-12', day: edgeDay })));
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

// BENCH_ONLY=slots,bookings runs a subset: slots (bench/slots.ts), bookings (the Bookings page figures), workflows (the reminder sweep), weights (page weights), server (the rest).
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
if (!only || only.has('slots')) rows.push(...(await benchSlots()));
if (!only || only.has('server') || only.has('bookings') || only.has('workflows') || only.has('weights')) await serverBench();

console.log(`\nBenchmarks — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
const header = { figure: 'figure', value: 'median', baseline: 'trivial route', ratio: 'ratio', goal: 'goal' };
const all = [header, ...rows];
const width = (k: keyof typeof header) => Math.max(...all.map((r) => r[k].length));
for (const r of all) {
  console.log(`| ${(Object.keys(header) as (keyof typeof header)[]).map((k) => r[k].padEnd(width(k))).join(' | ')} |`);
  if (r === header) console.log(`|${(Object.keys(header) as (keyof typeof header)[]).map((k) => '-'.repeat(width(k) + 2)).join('|')}|`);
}
