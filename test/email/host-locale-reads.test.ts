/**
 * A booking runs inside its hosts' Durable Object locks, so every D1 round trip there holds
 * them up. The hosts' language (for their emails) comes with the slot check's own read of the
 * hosts: a booking makes no extra trip for it. Counted on a D1 binding that tallies each call
 * that reaches the database (a statement's run/all/first/raw, or one batch).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { env, seed } from '../helpers';
import { executeReservation, type BookJob } from '../../src/services/reservations';
import { hashToken, newManageToken } from '../../src/domain/tokens';
import type { Bindings } from '../../src/env';
import { recordingD1 } from '../d1-recorder';

const NOW = new Date('2026-11-23T12:00:00Z');

beforeAll(() => seed(NOW));

async function bookJob(pageId: number, start: string, email: string): Promise<BookJob> {
  const token = newManageToken();
  return {
    kind: 'book',
    pageId,
    start: Date.parse(start),
    booker: { name: 'Counted Booker', email, phone: null, notes: null, timezone: 'Europe/Berlin', answers: { company: 'Acme' }, locale: 'en' },
    tokenHash: await hashToken(token),
    manageUrl: `${env.APP_URL}/b/x/manage/${token}`,
    now: NOW.getTime(),
  };
}

const hostNotice = (bookingId: string) =>
  env.DB.prepare("SELECT to_address, subject FROM email_outbox WHERE booking_id = ? AND kind = 'booking_host_notification' ORDER BY rowid DESC LIMIT 1")
    .bind(bookingId)
    .first<{ to_address: string; subject: string }>();

describe('a booking inside the host’s lock', () => {
  it('reads the page, the slot context (hosts with their language) and commits: three D1 round trips, host email in the host’s language', async () => {
    await env.DB.prepare("UPDATE users SET locale = 'fr' WHERE email = 'rep2@example.com'").run();
    try {
      const { db, calls } = recordingD1(env.DB);
      const result = await executeReservation({ ...(env as unknown as Bindings), DB: db }, await bookJob(2, '2026-12-08T14:00:00Z', 'counted.one@example.test'));
      expect(result.ok, JSON.stringify(result)).toBe(true);
      // loadPageById (one query with its hosts), loadSlotContext (one batch), the commit (one batch).
      expect(calls.length, calls.map((c) => c.sql.join('; ')).join('\n')).toBe(3);
      const notice = await hostNotice((result as { bookingId: string }).bookingId);
      expect(notice).toEqual({ to_address: 'rep2@example.com', subject: 'Nouvelle réservation : Product demo avec Counted Booker' });
    } finally {
      await env.DB.prepare("UPDATE users SET locale = 'en' WHERE email = 'rep2@example.com'").run();
    }
  });

  it('a seat joining a group occurrence reads it with the slot context, and no host row again', async () => {
    await env.DB.prepare("UPDATE users SET locale = 'de' WHERE email = 'rep2@example.com'").run();
    try {
      const first = await executeReservation(env as unknown as Bindings, await bookJob(5, '2026-12-08T18:00:00Z', 'seat.one@example.test'));
      expect(first.ok).toBe(true);
      const { db, calls } = recordingD1(env.DB);
      const joined = await executeReservation({ ...(env as unknown as Bindings), DB: db }, await bookJob(5, '2026-12-08T18:00:00Z', 'seat.two@example.test'));
      expect(joined.ok, JSON.stringify(joined)).toBe(true);
      expect((joined as { bookingId: string }).bookingId).toBe((first as { bookingId: string }).bookingId);
      // The page, the slot context (the occurrence row in the same batch), the commit.
      expect(calls.length, calls.map((c) => c.sql.join('; ')).join('\n')).toBe(3);
      expect((await hostNotice((joined as { bookingId: string }).bookingId))!.subject).toBe('Neue Buchung: Onboarding webinar mit Counted Booker');
    } finally {
      await env.DB.prepare("UPDATE users SET locale = 'en' WHERE email = 'rep2@example.com'").run();
    }
  });
});
