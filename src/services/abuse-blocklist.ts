/**
 * The organization's blocklist of booker emails and domains (SPEC 14). An entry is a whole
 * address (`x@y.z`) or a domain wildcard (`*@spam.example`); a match refuses the booking with a
 * neutral 403 and is recorded for admins.
 */
import { z } from 'zod';
import { chunked } from '../db/batch';

// Looser than a booking's z.email() (which wants a TLD of 2+ letters): an entry only has to be
// unambiguous, and SPEC's own example is `x@y.z`.
const LOCAL = /^[a-z0-9!#$%&'+/=?^_`{|}~.-]{1,64}$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const blocklistEntry = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
    // Exactly one `@`: a bare domain would be stored and listed yet never match anything.
  .refine((e) => e.split('@').length === 2 && (e.startsWith('*@') ? DOMAIN.test(e.slice(2)) : LOCAL.test(e.slice(0, e.indexOf('@'))) && DOMAIN.test(e.slice(e.indexOf('@') + 1))), {
    message: 'Use a whole address (x@y.z) or a domain as *@domain',
  });

export const blocklistBody = z.strictObject({ entries: z.array(blocklistEntry).max(1000) });

/** Refused attempts kept for admins: the most recent are listed, older ones pruned. */
const RECENT_BLOCKED = 50;
const KEEP_BLOCKED_MS = 90 * 86_400_000;

/**
 * The entries that would refuse `email` (lowercase): the address itself or its domain. A booking
 * reads them in its own read batch (services/reservations/book.ts), two primary-key lookups.
 */
export const blockingCandidates = (email: string) => [email, `*@${email.slice(email.lastIndexOf('@') + 1)}`];

export type BlockedAttempt = { email: string; entry: string; pageSlug: string; clientIp: string; at: number };

/** Records a refused attempt for admins (and prunes old ones on the `at` index) in one batch. */
export async function recordBlocked(d1: D1Database, attempt: BlockedAttempt): Promise<void> {
  await d1.batch([
    d1.prepare('DELETE FROM blocked_attempts WHERE at < ?').bind(attempt.at - KEEP_BLOCKED_MS),
    d1
      .prepare('INSERT INTO blocked_attempts (email, entry, page_slug, client_ip, at) VALUES (?, ?, ?, ?, ?)')
      .bind(attempt.email, attempt.entry, attempt.pageSlug, attempt.clientIp, attempt.at),
  ]);
}

export async function loadBlocklist(d1: D1Database) {
  const [entries, blocked] = await d1.batch<Record<string, unknown>>([
    d1.prepare('SELECT pattern FROM blocklist_entries ORDER BY pattern'),
    d1.prepare('SELECT email, entry, page_slug, client_ip, at FROM blocked_attempts ORDER BY at DESC, id DESC LIMIT ?').bind(RECENT_BLOCKED),
  ]);
  return {
    entries: entries.results.map((r) => r.pattern as string),
    blocked: blocked.results.map((r) => ({
      email: r.email as string,
      entry: r.entry as string,
      pageSlug: r.page_slug as string,
      clientIp: r.client_ip as string,
      at: new Date(r.at as number).toISOString(),
    })),
  };
}

/** Replaces the whole list in one batch (PUT semantics); ≤ 90 bound values per insert. */
export async function replaceBlocklist(d1: D1Database, entries: string[]): Promise<void> {
  const unique = [...new Set(entries)];
  await d1.batch([
    d1.prepare('DELETE FROM blocklist_entries'),
    ...chunked(unique).map((slice) => d1.prepare(`INSERT INTO blocklist_entries (pattern) VALUES ${slice.map(() => '(?)').join(', ')}`).bind(...slice)),
  ]);
}
