/**
 * npm run db:setup → seeds the local D1 (after migrations). Refuses production and --remote.
 * Usage: node scripts/seed.ts [--env <name>] [--remote] [--persist-to <dir>]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeedRefused, seedStatements } from '../src/db/seed.ts';

const args = process.argv.slice(2);
const envIndex = args.indexOf('--env');
const wranglerEnv = envIndex >= 0 ? args[envIndex + 1] : undefined;
const environment = wranglerEnv === undefined ? 'development' : wranglerEnv;
const remote = args.includes('--remote');
const persistIndex = args.indexOf('--persist-to');
const persistTo = persistIndex >= 0 ? ['--persist-to', args[persistIndex + 1]] : [];

try {
  const statements = await seedStatements({ environment, now: new Date(), remote });
  const file = join(mkdtempSync(join(tmpdir(), 'seed-')), 'seed.sql');
  writeFileSync(file, statements.join('\n') + '\n');
  execFileSync('wrangler', ['d1', 'execute', 'DB', '--local', ...persistTo, `--file=${file}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`Seeded local D1 with ${statements.length} statements (users: admin, manager, rep1, rep2, viewer, rep3 @example.com, password demo-password).`);
} catch (error) {
  if (error instanceof SeedRefused) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
