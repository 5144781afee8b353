import { describe, expect, it } from 'vitest';
import { getDb } from '../../src/db/client';
import { loadBookingRecords } from '../../src/db/bookings';
import type { SessionUser } from '../../src/domain/permissions';
import { env, seed } from '../helpers';

const admin: SessionUser = {
  id: 1,
  name: 'Ada Admin',
  email: 'admin@example.com',
  timezone: 'UTC',
  locale: 'en',
  teamId: null,
  role: 'admin',
  permissions: { view: 'all', edit: 'all', delete: 'all' },
};

describe('loadBookingRecords', () => {
  // A sweep's page of 100 webhook deliveries names up to 100 bookings: D1 binds at most 100 values.
  it('loads more bookings than one statement can bind, with and without a viewer', async () => {
    await seed(new Date('2026-12-01T12:00:00Z'));
    const real = (await env.DB.prepare('SELECT id FROM bookings ORDER BY id LIMIT 5').all<{ id: string }>()).results.map((r) => r.id);
    expect(real.length).toBeGreaterThan(0);
    const ids = [...Array.from({ length: 140 }, (_, i) => `missing-${i}`), ...real];
    const viewed = await loadBookingRecords(getDb(env.DB), ids, admin);
    expect(viewed.map((r) => r.booking.id).sort()).toEqual([...real].sort());
    const plain = await loadBookingRecords(getDb(env.DB), ids);
    expect(plain.map((r) => r.booking.id).sort()).toEqual([...real].sort());
  });
});
