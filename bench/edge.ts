/**
 * Edge figures (issue 17), against a running `wrangler dev`: D1 round trips per endpoint (the
 * X-D1-Round-Trips header the worker sets outside production), contenders for one slot, slots
 * for 31 days of a 3-host collective page, and — on a second server whose every D1 round trip is
 * held back 50 ms (D1_DELAY_MS, a dev var) — what a booker far from the database waits.
 *
 * Run with run.ts (`npm run bench`), or alone on a small local database: `node bench/edge.ts`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleaved, timeRequests } from './timing.ts';

type Row = { figure: string; value: string; baseline: string; ratio: string; goal: string };

const DAY = 86_400_000;
const MIN = 60_000;
export const COLLECTIVE_SLUG = 'bench-collective';

/** A collective page over three bench hosts (users 1000–1002, every day 00:00–24:00 UTC). */
export const edgeData = (now: number) =>
  [
    `INSERT OR IGNORE INTO scheduling_pages (id, slug, owner_id, title, description, duration_minutes, timezone, location_type, location_value, strategy, group_capacity, slot_interval_minutes, minimum_notice_minutes, horizon_days, buffer_before_minutes, buffer_after_minutes, questions, briefing_enabled, active, created_at) VALUES (900, '${COLLECTIVE_SLUG}', 1000, 'Bench collective', '', 30, 'UTC', 'phone', '+1 555 0000', 'collective', NULL, 15, 0, 365, 5, 5, '[]', 0, 1, ${now - 30 * DAY});`,
    `INSERT OR IGNORE INTO page_hosts (page_id, user_id, weight) VALUES (900, 1000, 1), (900, 1001, 1), (900, 1002, 1);`,
  ].join('\n');

const ratioRow = (figure: string, value: number, baseline: number, goal = ''): Row => ({
  figure,
  value: `${value.toFixed(2)} ms`,
  baseline: `${baseline.toFixed(2)} ms`,
  ratio: `${(value / baseline).toFixed(2)}×`,
  goal,
});

let ipSeq = 1 << 20;
const clientIp = () => {
  const n = ipSeq++;
  return { 'x-test-client-ip': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
};

/**
 * A booking POST's emails, webhooks and calendar sync run after its answer (waitUntil). In
 * production they run beside other bookers' requests, not in front of them; on wrangler dev they
 * share this machine's two cores with the next request. So each POST below is timed on an idle
 * server: the one before it has finished its sends.
 */
const IDLE_MS = 150;
const idle = (ms = IDLE_MS) => new Promise((r) => setTimeout(r, ms));

/**
 * The edge figures on a server already up at `base`, with `individual` a page of one host free
 * on `day` (ISO date) and `now` the request clock. Each ratio is to the trivial route timed in
 * the same interleaved rounds.
 */
export async function benchEdge(base: string, opts: { now: string; individual: string; day: number }): Promise<Row[]> {
  const rows: Row[] = [];
  const headers = { 'content-type': 'application/json', 'x-test-now': opts.now };
  const post = (slug: string, start: string, i: number) =>
    fetch(`${base}/api/public/pages/${slug}/bookings`, {
      method: 'POST',
      headers: { ...headers, ...clientIp() },
      body: JSON.stringify({ start, name: 'Edge Booker', email: `edge${i}-${ipSeq}@example.org` }),
    });
  const trips = (r: Response) => Number(r.headers.get('x-d1-round-trips') ?? NaN);
  const healthz = `${base}/healthz`;

  // Slots for 31 days of a 3-host collective page.
  const from = new Date(opts.day).toISOString();
  const to = new Date(opts.day + 31 * DAY).toISOString();
  const slotsUrl = `${base}/api/public/pages/${COLLECTIVE_SLUG}/slots?from=${from}&to=${to}`;
  const getSlots = () => fetch(slotsUrl, { headers: { 'x-test-now': opts.now, ...clientIp() } });
  await interleaved(healthz, 5, getSlots);
  const slots = await interleaved(healthz, 60, getSlots);
  rows.push(ratioRow('slots GET, 31 days of a 3-host collective page (interleaved with /healthz)', slots.median, slots.trivial, '≤ 2× trivial'));

  // One booking POST at a time on an idle server (distinct free starts of one host), then 100 contenders for one start.
  let seq = 0;
  const nextStart = () => new Date(opts.day + 9 * 3_600_000 + (seq++ % 16) * 30 * MIN + Math.floor(seq / 16) * DAY).toISOString();
  const single = await interleaved(healthz, 60, (i) => post(opts.individual, nextStart(), i), idle);
  rows.push(ratioRow(`booking POST, one host, idle server (interleaved with /healthz; ${JSON.stringify(single.statuses)})`, single.median, single.trivial, '≤ 3× trivial'));
  const contested = new Date(opts.day + 20 * DAY + 10 * 3_600_000).toISOString();
  // The floor under it: 100 concurrent requests of the trivial route on the same server. The
  // client's 100 connections are opened (and kept alive) by an unmeasured burst first, so both
  // bursts below run on open connections: what they measure is the server, not connection setup.
  const burst = async (make: (i: number) => Promise<Response>) => {
    const t = performance.now();
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => make(i).then(async (r) => (await r.arrayBuffer(), r.status))));
    return { ms: performance.now() - t, statuses };
  };
  await burst(() => fetch(healthz));
  const floor = (await burst(() => fetch(healthz))).ms;
  await idle();
  const contest = await burst((i) => post(opts.individual, contested, 1000 + i));
  const won = contest.statuses.filter((s) => s === 201).length;
  const lost = contest.statuses.filter((s) => s === 409).length;
  rows.push({
    figure: `100 concurrent contenders for one slot, all answered (${won}× 201, ${lost}× 409)`,
    value: `${contest.ms.toFixed(0)} ms`,
    baseline: `${single.median.toFixed(2)} ms (one booking POST)`,
    ratio: `${(contest.ms / single.median).toFixed(2)}×`,
    goal: '≤ 6× one booking POST, exactly one 201',
  });
  // Why that goal is out of reach on this server: with POST ≤ 3× trivial it asks for 100
  // contenders in ≤ 18× one trivial request, and 100 trivial requests alone take longer.
  rows.push({
    figure: '100 concurrent trivial requests (/healthz, open connections), all answered',
    value: `${floor.toFixed(0)} ms`,
    baseline: `${single.trivial.toFixed(2)} ms (one /healthz)`,
    ratio: `${(floor / single.trivial).toFixed(2)}×`,
    goal: '(the contender goal with POST ≤ 3× needs ≤ 18×)',
  });
  rows.push({
    figure: 'the same 100 contenders beside the 100 concurrent trivial requests',
    value: `${contest.ms.toFixed(0)} ms`,
    baseline: `${floor.toFixed(0)} ms (100 × /healthz)`,
    ratio: `${(contest.ms / floor).toFixed(2)}×`,
    goal: '',
  });
  rows.push({ figure: 'trivial route /healthz in the interleaved rounds above (median)', value: `${single.trivial.toFixed(2)} ms`, baseline: '', ratio: '', goal: '' });
  await idle();

  // D1 round trips per endpoint (sequential; route and the hosts' objects together).
  const count = async (label: string, r: Promise<Response>, budget: string) => {
    const res = await r;
    const n = trips(res);
    rows.push({ figure: `D1 round trips: ${label} (${res.status})`, value: String(n), baseline: '', ratio: '', goal: budget });
    return res;
  };
  const booked = await count('booking POST, individual', post(opts.individual, nextStart(), 9000), '≤ 3');
  await count('booking POST, collective (3 hosts)', post(COLLECTIVE_SLUG, new Date(opts.day + 6 * DAY + 13 * 3_600_000).toISOString(), 9001), '≤ 3');
  await count('booking POST, contender for taken time', post(opts.individual, contested, 9002), 'no D1 in the host object');
  await count('slots GET, 31 days collective', fetch(slotsUrl, { headers: { 'x-test-now': opts.now, ...clientIp() } }), '≤ 2');
  await count('page GET', fetch(`${base}/api/public/pages/${opts.individual}`, { headers: { 'x-test-now': opts.now } }), '');
  const manageUrl = ((await booked.json()) as { manageUrl?: string }).manageUrl;
  const token = manageUrl?.split('/').pop();
  if (token) {
    const manage = `${base}/api/public/manage/${token}`;
    await count('manage GET', fetch(manage, { headers: { 'x-test-now': opts.now } }), '');
    await count('reschedule (booker)', fetch(`${manage}/reschedule`, { method: 'POST', headers: { ...headers, ...clientIp() }, body: JSON.stringify({ start: nextStart() }) }), '');
    await count('cancel (booker)', fetch(`${manage}/cancel`, { method: 'POST', headers: { ...headers, ...clientIp() }, body: '{}' }), '');
  }
  return rows;
}

/** Starts `wrangler dev` on `state` and waits for /healthz; answers a stop function. */
export async function startServer(state: string, port: number, vars: string[] = []) {
  // BENCH_TRACES=off: without wrangler's local trace store (on by default; it writes every
  // request and D1 call as spans into a SQLite file of its own). Every route gets faster, the
  // trivial one most, so the ratios grow; the default is what `npm run dev` runs.
  const traces = process.env.BENCH_TRACES === 'off' ? { X_LOCAL_OBSERVABILITY: 'false', X_LOCAL_EXPLORER: 'false' } : {};
  const env = { ...process.env, CI: 'true', ...traces };
  const args = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', state, ...vars.flatMap((v) => ['--var', v])];
  const server = spawn('wrangler', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  let log = '';
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return () => {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  };
}

/**
 * The same state on a server whose every D1 round trip waits 50 ms first (D1_DELAY_MS, never
 * read in production): booking POST and slots GET as a booker far from the database sees them.
 */
export async function benchDistance(state: string, port: number, opts: { now: string; individual: string; day: number }): Promise<Row[]> {
  const stop = await startServer(state, port, ['D1_DELAY_MS:50']);
  const base = `http://127.0.0.1:${port}`;
  const healthz = `${base}/healthz`;
  try {
    const from = new Date(opts.day).toISOString();
    const to = new Date(opts.day + 31 * DAY).toISOString();
    const getSlots = () => fetch(`${base}/api/public/pages/${COLLECTIVE_SLUG}/slots?from=${from}&to=${to}`, { headers: { 'x-test-now': opts.now, ...clientIp() } });
    await interleaved(healthz, 3, getSlots);
    const slots = await interleaved(healthz, 10, getSlots);
    let seq = 0;
    const post = await interleaved(
      healthz,
      10,
      (i) =>
        fetch(`${base}/api/public/pages/${opts.individual}/bookings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-test-now': opts.now, ...clientIp() },
          body: JSON.stringify({ start: new Date(opts.day + 40 * DAY + 9 * 3_600_000 + seq++ * 30 * MIN).toISOString(), name: 'Far Booker', email: `far${i}@example.org` }),
        }),
      () => idle(400),
    );
    return [
      ratioRow('50 ms per D1 round trip: slots GET, 31 days collective', slots.median, slots.trivial),
      ratioRow(`50 ms per D1 round trip: booking POST, idle server (${JSON.stringify(post.statuses)})`, post.median, post.trivial),
    ];
  } finally {
    stop();
  }
}

/** Alone: the dev seed, three bench hosts and the collective page, on a fresh local D1. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.BENCH_PORT ?? 8794);
  const state = mkdtempSync(join(tmpdir(), 'bench-edge-'));
  const env = { ...process.env, CI: 'true' };
  execFileSync('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('node', ['scripts/seed.ts', '--persist-to', state], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const T = Date.parse('2027-01-04T12:00:00Z');
  const hash = 'pbkdf2$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  const sql = [
    "INSERT OR IGNORE INTO teams (id, name) VALUES (100, 'Bench');",
    ...[0, 1, 2].map((h) => `INSERT OR IGNORE INTO users (id, name, email, password_hash, timezone, team_id, role) VALUES (${1000 + h}, 'Bench Host ${h}', 'bench${h}@example.com', '${hash}', 'UTC', 100, 'sales_rep');`),
    ...[0, 1, 2].flatMap((h) => Array.from({ length: 7 }, (_, d) => `INSERT INTO availability_rules (user_id, day, start_minute, end_minute) VALUES (${1000 + h}, ${d}, 0, 1440);`)),
    `INSERT OR IGNORE INTO scheduling_pages (id, slug, owner_id, title, description, duration_minutes, timezone, location_type, location_value, strategy, group_capacity, slot_interval_minutes, minimum_notice_minutes, horizon_days, buffer_before_minutes, buffer_after_minutes, questions, briefing_enabled, active, created_at) VALUES (1000, 'bench-0', 1000, 'Bench 0', '', 30, 'UTC', 'phone', '+1 555 0000', 'individual', NULL, 30, 0, 365, 0, 0, '[]', 1, 1, ${T - 30 * DAY});`,
    'INSERT OR IGNORE INTO page_hosts (page_id, user_id, weight) VALUES (1000, 1000, 1);',
    edgeData(T),
  ].join('\n');
  const file = join(state, 'edge.sql');
  writeFileSync(file, sql);
  execFileSync('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', state, `--file=${file}`], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const opts = { now: new Date(T).toISOString(), individual: 'bench-0', day: Date.parse('2027-01-05T00:00:00Z') };
  const rows: Row[] = [];
  const stop = await startServer(state, port);
  try {
    await timeRequests(20, () => fetch(`http://127.0.0.1:${port}/healthz`));
    rows.push(...(await benchEdge(`http://127.0.0.1:${port}`, opts)));
  } finally {
    stop();
  }
  await new Promise((r) => setTimeout(r, 1500));
  rows.push(...(await benchDistance(state, port, opts)));
  rmSync(state, { recursive: true, force: true });
  for (const r of rows) console.log(`| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} |`);
}
