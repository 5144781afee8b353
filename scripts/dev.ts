/**
 * npm run dev → `wrangler dev` with the scheduled handler reachable (--test-scheduled) and a
 * small ticker that runs it once a minute, on the minute, as the platform runs the Cron Trigger
 * in production (every 5 minutes there; every minute here, so a reminder due now shows up in
 * /dev/mailbox within a minute). Without it nothing would send reminders or briefings locally.
 * Extra arguments go to wrangler (e.g. --port 8788, --persist-to dir).
 * Usage: node scripts/dev.ts [wrangler dev args]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 8787;
if (portIndex < 0) args.push('--port', String(port));
// The cron expression the handler is told it runs for (wrangler.toml's, so the handler sees the real one).
const cron = /crons\s*=\s*\["([^"]+)"\]/.exec(readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8'))?.[1] ?? '*/5 * * * *';

const wrangler = spawn('wrangler', ['dev', '--test-scheduled', ...args], { stdio: 'inherit' });
const stop = () => wrangler.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
wrangler.on('exit', (code) => process.exit(code ?? 0));

async function tick() {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent(cron)}`);
    await res.body?.cancel();
    if (!res.ok) console.error(`[dev ticker] scheduled run answered ${res.status}`);
  } catch {
    // Not listening yet (still building) or restarting after a change: the next minute tries again.
  }
}

/** Waits for the next whole minute, then runs the scheduled handler every minute. */
function schedule() {
  const wait = 60_000 - (Date.now() % 60_000);
  setTimeout(() => {
    void tick();
    setInterval(() => void tick(), 60_000);
  }, wait);
}
schedule();
console.log(`[dev ticker] runs the scheduled handler (${cron}) every minute on http://127.0.0.1:${port}/__scheduled`);
