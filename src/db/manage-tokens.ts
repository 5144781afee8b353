/**
 * Bookers' manage links. Only the SHA-256 of a token is stored, on a series (the link keeps
 * working across reschedules) or on a group seat. Each booker email that offers the link gets
 * a fresh token; regenerating deletes every token of the series or seat in the same batch that
 * adds the new one, so old links die at once.
 */
import { desc, eq, sql } from 'drizzle-orm';
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

/** What a token's hash opens: the newest occurrence of its series, or a group seat. */
export async function findByTokenHash(db: Db, hash: string): Promise<{ bookingId: string; attendee: typeof bookingAttendees.$inferSelect | null } | null> {
  const [owner] = await db.select().from(manageTokens).where(eq(manageTokens.hash, hash));
  if (!owner) return null;
  if (owner.attendeeId) {
    const [attendee] = await db.select().from(bookingAttendees).where(eq(bookingAttendees.id, owner.attendeeId));
    return attendee ? { bookingId: attendee.bookingId, attendee } : null;
  }
  const [newest] = await db
    .select({ id: bookings.id })
    .from(bookings)
    .where(eq(bookings.seriesId, owner.seriesId!))
    .orderBy(desc(bookings.createdAt), desc(sql`rowid`))
    .limit(1);
  return newest ? { bookingId: newest.id, attendee: null } : null;
}
