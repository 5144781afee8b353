/**
 * Invitation links (`/set-password/<token>`, SPEC 9): 128 random bits, only their SHA-256 stored,
 * 72 hours, single use. Using a token and setting the password are one batch, and the password
 * statement runs only when the token statement changed a row (changes() = 1), so two requests
 * racing with one token can never both set a password.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { d1Statement } from './batch';
import { setPasswordTokens, users } from './schema';
import { hashToken } from '../domain/tokens';

export const SET_PASSWORD_TTL_MS = 72 * 60 * 60 * 1000;

/** 128 bits from crypto.getRandomValues, base64url (22 characters). */
export function newSetPasswordToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Shape check before any lookup: a malformed token is treated exactly like an unknown one. */
export const SET_PASSWORD_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** The token's hash, or null when it cannot be one of ours. */
export const setPasswordTokenHash = async (token: string) => (SET_PASSWORD_TOKEN_PATTERN.test(token) ? hashToken(token) : null);

/**
 * A fresh link for the user whose email is `email` (the user may be inserted earlier in the same
 * batch, so the id is looked up by the unique email): the raw token for the email, and the
 * statements that revoke their unused links and store the new one.
 */
export async function issueSetPasswordToken(d1: D1Database, email: string, now: number) {
  const token = newSetPasswordToken();
  const hash = await hashToken(token);
  const statements = [
    d1Statement(d1, sql`DELETE FROM set_password_tokens WHERE used_at IS NULL AND user_id = (SELECT id FROM users WHERE email = ${email})`),
    d1Statement(
      d1,
      sql`INSERT INTO set_password_tokens (hash, user_id, created_at, expires_at)
          SELECT ${hash}, id, ${now}, ${now + SET_PASSWORD_TTL_MS} FROM users WHERE email = ${email}`,
    ),
  ];
  return { token, hash, expiresAt: now + SET_PASSWORD_TTL_MS, statements };
}

/** The user a live (unused, unexpired) token belongs to, for the set-password page. */
export const liveTokenUserQuery = (db: Db, hash: string, now: number) =>
  db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(setPasswordTokens)
    .innerJoin(users, eq(users.id, setPasswordTokens.userId))
    .where(and(eq(setPasswordTokens.hash, hash), isNull(setPasswordTokens.usedAt), gt(setPasswordTokens.expiresAt, now)))
    .limit(1);

export async function liveTokenUser(db: Db, hash: string, now: number) {
  const [row] = await liveTokenUserQuery(db, hash, now);
  return row ?? null;
}

/**
 * Uses the token and sets the password in one batch. Returns the user's id, or null when the
 * token is unknown, used or expired (then nothing was written).
 */
export async function consumeAndSetPassword(d1: D1Database, hash: string, passwordHash: string, now: number): Promise<number | null> {
  const [used] = await d1.batch<{ user_id: number }>([
    d1.prepare('UPDATE set_password_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id').bind(now, hash, now),
    d1
      .prepare('UPDATE users SET password_hash = ? WHERE id = (SELECT user_id FROM set_password_tokens WHERE hash = ?) AND changes() = 1')
      .bind(passwordHash, hash),
  ]);
  return used.results[0]?.user_id ?? null;
}

/**
 * Invitation status in SQL, per user row: `invited` while no link of theirs was used and one is
 * live, `expired` when every link died unused, `active` otherwise (seeded and older users never
 * had a link). Probes of set_password_tokens_user_idx.
 */
export const invitationStatus = (now: number) => sql<'active' | 'invited' | 'expired'>`CASE
  WHEN NOT EXISTS (SELECT 1 FROM set_password_tokens t WHERE t.user_id = ${users.id}) THEN 'active'
  WHEN EXISTS (SELECT 1 FROM set_password_tokens t WHERE t.user_id = ${users.id} AND t.used_at IS NOT NULL) THEN 'active'
  WHEN EXISTS (SELECT 1 FROM set_password_tokens t WHERE t.user_id = ${users.id} AND t.used_at IS NULL AND t.expires_at > ${now}) THEN 'invited'
  ELSE 'expired' END`;
