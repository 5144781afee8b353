import { describe, expect, it } from 'vitest';
import { SeedRefused, seedStatements } from '../../src/db/seed';
import { env } from '../helpers';

describe('seed', () => {
  it('refuses production and remote databases', async () => {
    await expect(seedStatements({ environment: 'production', now: new Date() })).rejects.toBeInstanceOf(SeedRefused);
    await expect(seedStatements({ environment: undefined, now: new Date() })).rejects.toBeInstanceOf(SeedRefused);
    await expect(seedStatements({ environment: 'development', now: new Date(), remote: true })).rejects.toBeInstanceOf(SeedRefused);
  });

  it('is idempotent: running it twice leaves the same rows', async () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const run = async () => {
      const statements = await seedStatements({ environment: 'test', now });
      await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
    };
    await run();
    const count = async () =>
      (await env.DB.prepare('SELECT (SELECT COUNT(*) FROM users) u, (SELECT COUNT(*) FROM bookings) b, (SELECT COUNT(*) FROM host_claims) c').first()) as Record<string, number>;
    const first = await count();
    await run();
    expect(await count()).toEqual(first);
    expect(first).toEqual({ u: 6, b: 12, c: 10 });
  });
});
