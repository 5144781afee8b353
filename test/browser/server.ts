/**
 * Starts `wrangler dev` on its own port with a fresh local D1 (migrated and seeded the same
 * way as npm run db:setup) for the browser tests, and stops it afterwards.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const PORTS: Record<string, number> = { browser: 8791, stress: 8792 };
let server: ChildProcess | undefined;
let state: string | undefined;

export async function setup(project: TestProject) {
  // TEST_PORT lets two checkouts (or two people) run the browser suites side by side.
  const PORT = Number(process.env.TEST_PORT) || (PORTS[project.name] ?? 8799);
  state = mkdtempSync(join(tmpdir(), 'browser-d1-'));
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: 'true' } });
  run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
  run('node', ['scripts/seed.ts', '--persist-to', state]);
  // A booking whose meeting URL is not http(s): the drawer must show it as plain text.
  run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--command', "UPDATE bookings SET meeting_url = 'javascript:alert(document.cookie)' WHERE id = 'seed-b02'"]);
  server = spawn('wrangler', ['dev', '--port', String(PORT), '--persist-to', state, '--ip', '127.0.0.1', '--var', `APP_URL:http://127.0.0.1:${PORT}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  // TEST_SERVER_LOG=<file> keeps the server's whole log (what a 503 or 500 under load was).
  const log = process.env.TEST_SERVER_LOG;
  const keep = (d: Buffer) => {
    output += d;
    if (log) appendFileSync(log, d);
  };
  server.stdout!.on('data', keep);
  server.stderr!.on('data', keep);
  const base = `http://127.0.0.1:${PORT}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/login`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  project.provide('baseUrl', base);
}

export async function teardown() {
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (state) rmSync(state, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
