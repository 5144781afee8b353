/**
 * Bookers' manage links. Only the SHA-256 of a token is stored, on a series (the link keeps
 * working across reschedules) or on a group seat. Each booker email that offers the link gets
 * a fresh token; regenerating deletes every token of the series or seat in the same batch that
 * adds the new one, so old links die at once.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { bookingAttendees, bookings, manageTokens } from './schema';
import { hashToken, newManageToken } from '../domain/tokens';

export type TokenOwner = { seriesId: string; attendeeId?: never } | { attendeeId: string; seriesId?: never };

/** The insert of a token's hash for its owner. */
export const storeManageToken = (db: Db, hash: string, owner: TokenOwner, now: number) =>
  db.insert(manageTokens).values({ hash, seriesId: owner.seriesId ?? null, attendeeId: owner.attendeeId ?? null, createdAt: now });

/** A new token for an owner: the raw token (for the email) and the insert that makes it live. */
export async function issueManageToken(db: Db, owner: TokenOwner, now: number) {
  const token = newManageToken();
  return { token, statement: storeManageToken(db, await hashToken(token), owner, now) };
}

/** Every token of the owner, for the batch that issues their replacement. */
export const revokeManageTokens = (db: Db, owner: TokenOwner) =>
  db.delete(manageTokens).where(owner.seriesId !== undefined ? eq(manageTokens.seriesId, owner.seriesId) : eq(manageTokens.attendeeId, owner.attendeeId!));

/** A token's owner by hash (primary key): its seat, or its series' newest occurrence (series index). */
export function tokenOwnerQuery(db: Db, hash: string) {
  return db
    .select({
      attendee: bookingAttendees,
      newestOfSeries: sql<string | null>`(SELECT b.id FROM ${bookings} AS b WHERE b.series_id = ${manageTokens.seriesId} ORDER BY b.created_at DESC, b.rowid DESC LIMIT 1)`,
    })
    .from(manageTokens)
    .leftJoin(bookingAttendees, eq(bookingAttendees.id, manageTokens.attendeeId))
    .where(eq(manageTokens.hash, hash));
}

/** What a token's hash opens: the newest occurrence of its series, or a group seat. */
export async function findByTokenHash(db: Db, hash: string): Promise<{ bookingId: string; attendee: typeof bookingAttendees.$inferSelect | null } | null> {
  const [found] = await tokenOwnerQuery(db, hash);
  if (!found) return null;
  if (found.attendee) return { bookingId: found.attendee.bookingId, attendee: found.attendee };
  return found.newestOfSeries ? { bookingId: found.newestOfSeries, attendee: null } : null;
}
