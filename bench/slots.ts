/**
 * Slot computation in Node (issue 17), called by bench/run.ts: the 31-day, 5-host collective page
 * warm; its first computation in fresh isolates; and the scale curve over bookings per host and
 * collective hosts. Busy time is generated sorted by start, as loadSlotContext reads it (the
 * claims index's order).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

type Row = { figure: string; value: string; baseline: string; ratio: string; goal: string };

const DAY = 86_400_000;
const MIN = 60_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The scenario, as source: run in this process and in each fresh isolate alike. `hostCount`
 * hosts in five zones whose working days overlap, `perHost` confirmed 30-minute bookings each
 * spread over the 31 days.
 */
const SCENARIO = `
const DAY = ${DAY}, MIN = ${MIN};
function scenario(hostCount, perHost) {
  const from = Date.parse('2027-03-01T00:00:00Z');
  const to = from + 31 * DAY;
  const weekly = [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 8 * 60, endMinute: 18 * 60 }));
  const zones = ['America/New_York', 'America/Chicago', 'America/Toronto', 'Europe/London', 'America/Sao_Paulo'];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const hosts = Array.from({ length: hostCount }, (_, i) => ({
    userId: i + 1,
    weight: 1,
    timezone: zones[i % zones.length],
    weekly,
    overrides: [],
    // Created in start order, as from the sorted rows of the claims query.
    busy: Array.from({ length: perHost }, () => from + Math.floor(random() * 31) * DAY + Math.floor(random() * 48) * 30 * MIN)
      .sort((a, b) => a - b)
      .map((start) => ({ start, end: start + 30 * MIN })),
  }));
  const page = { strategy: 'collective', timezone: 'America/New_York', durationMinutes: 30, slotIntervalMinutes: 15, minimumNoticeMinutes: 0,
    horizonDays: 365, bufferBeforeMinutes: 5, bufferAfterMinutes: 5, groupCapacity: null };
  return { page, hosts, from, to, now: from - DAY };
}`;

/** One fresh isolate: import the engine, time its first call, report. */
const COLD = `${SCENARIO}
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const q = scenario(5, 300);
  const { computeSlots } = await import(workerData.bundle);
  const t = performance.now();
  const n = computeSlots(q).length;
  const ms = performance.now() - t;
  if (parentPort) parentPort.postMessage({ ms, n });
  else console.log(JSON.stringify({ ms, n }));
})();`;

function freshIsolate(bundle: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(COLD, { eval: true, workerData: { bundle } });
    w.once('message', (m: { ms: number }) => resolve(m.ms));
    w.once('error', reject);
  });
}

export async function benchSlots(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-slots-'));
  const bundle = join(dir, 'slots.mjs');
  await build({ entryPoints: ['src/domain/slots.ts'], bundle: true, format: 'esm', platform: 'node', outfile: bundle, logLevel: 'silent' });
  const rows: Row[] = [];
  try {
    // A new process pays ICU's one-time, process-wide data load on its first Intl call.
    const process1 = JSON.parse(execFileSync('node', ['-e', COLD.replace('workerData.bundle', JSON.stringify(bundle))], { encoding: 'utf8' })) as { ms: number };
    // The edge runtime's process has ICU loaded; each new isolate has cold code and empty caches.
    new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', timeZoneName: 'longOffset' }).format(0);
    const cold: number[] = [];
    for (let i = 0; i < 15; i++) cold.push(await freshIsolate(bundle));

    const { computeSlots } = (await import(bundle)) as typeof import('../src/domain/slots');
    const scenario = new Function(`${SCENARIO}; return scenario;`)() as (hosts: number, perHost: number) => Parameters<typeof computeSlots>[0];
    const warm = (hosts: number, perHost: number, runs: number) => {
      const q = scenario(hosts, perHost);
      // Warm until V8 settles: after the 30,000-booking case its allocation sites are pretenured
      // for a few hundred calls, which 10 warm-up calls left inside the next case's median.
      for (let i = 0; i < 300; i++) computeSlots(q);
      const times: number[] = [];
      let count = 0;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        count = computeSlots(q).length;
        times.push(performance.now() - t);
      }
      return { ms: median(times), count };
    };
    const base = warm(5, 300, 200);
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    rows.push({ figure: `slot computation (31 days, collective, 5 hosts × 300 bookings; ${base.count} slots)`, value: ms(base.ms), baseline: '', ratio: '', goal: '≤ 5 ms' });
    rows.push({
      figure: `slot computation, first call in a fresh isolate (median of ${cold.length}; ICU loaded process-wide, code and zone caches cold)`,
      value: ms(median(cold)),
      baseline: '',
      ratio: '',
      goal: '≤ 5 ms',
    });
    rows.push({ figure: 'slot computation, first call in a fresh Node process (adds ICU’s one-time data load)', value: ms(process1.ms), baseline: '', ratio: '', goal: '' });
    // Scale curve: ratios against the smallest case; linear growth would be the size ratio.
    for (const perHost of [3_000, 30_000]) {
      const r = warm(5, perHost, perHost > 10_000 ? 20 : 50);
      rows.push({ figure: `scale: 5 hosts × ${perHost.toLocaleString('en-US')} bookings (${r.count} slots)`, value: ms(r.ms), baseline: ms(base.ms), ratio: `${(r.ms / base.ms).toFixed(2)}×`, goal: `≤ ${perHost / 300}× (linear)` });
    }
    for (const hosts of [10, 20]) {
      const r = warm(hosts, 300, 100);
      rows.push({ figure: `scale: ${hosts} collective hosts × 300 bookings (${r.count} slots)`, value: ms(r.ms), baseline: ms(base.ms), ratio: `${(r.ms / base.ms).toFixed(2)}×`, goal: `≤ ${hosts / 5}× (linear)` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
