import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  const bindings = { ENVIRONMENT: 'test', APP_URL: 'http://localhost:8787', TEST_MIGRATIONS: migrations };
  // A throwaway service-account key: the calendar tests sign real RS256 assertions for a fake Google.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const serviceAccount = JSON.stringify({ client_email: 'scheduler@project.iam.gserviceaccount.com', private_key: privateKey, token_uri: 'https://oauth.google.fake/token' });
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: { bindings },
            }),
          ],
          test: {
            name: 'workers',
            include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
            exclude: ['test/browser/**', 'test/calendar/**', 'test/stress/**'],
            setupFiles: ['./test/apply-migrations.ts'],
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: { bindings: { ...bindings, GOOGLE_SERVICE_ACCOUNT: serviceAccount, GOOGLE_API_BASE_URL: 'https://www.google.fake' } },
            }),
          ],
          test: {
            name: 'calendar',
            include: ['test/calendar/**/*.test.ts'],
            setupFiles: ['./test/apply-migrations.ts'],
          },
        },
        {
          test: {
            name: 'browser',
            include: ['test/browser/**/*.test.ts'],
            environment: 'node',
            globalSetup: ['./test/browser/server.ts'],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
            // Waits, not time assertions: with every project running on two cores, a click's
            // answer can take longer than expect.poll's 1 s default.
            expect: { poll: { timeout: 10_000 } },
          },
        },
        {
          test: {
            name: 'stress',
            include: ['test/stress/**/*.test.ts'],
            environment: 'node',
            globalSetup: ['./test/browser/server.ts'],
            testTimeout: 600_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
