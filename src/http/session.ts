import { SignJWT, jwtVerify } from 'jose';
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Bindings } from '../env';
import { isNonProduction } from '../env';
import { getDb } from '../db/client';
import { roles, sessions, users } from '../db/schema';
import type { SessionUser } from '../domain/permissions';

export const SESSION_COOKIE = 'session';
const SESSION_TTL_SECONDS = 60 * 60 * 12;
const DEV_SECRET = 'dev-only-session-secret-never-used-in-production';

function secretKey(env: Bindings): Uint8Array {
  const secret = env.SESSION_SECRET ?? (isNonProduction(env) ? DEV_SECRET : undefined);
  if (!secret) throw new Error('SESSION_SECRET is not configured');
  return new TextEncoder().encode(secret);
}

/**
 * Starts a session: a row to revoke it by, and a signed token naming that row. Sessions run on
 * the real clock, never X-Test-Now: a test clock must not extend or expire them.
 */
export async function issueSessionToken(env: Bindings, userId: number): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  const iat = Math.floor(now / 1000);
  await getDb(env.DB)
    .insert(sessions)
    .values({ id, userId, createdAt: now, expiresAt: (iat + SESSION_TTL_SECONDS) * 1000 });
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setJti(id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(secretKey(env));
}

export const sessionTtlSeconds = SESSION_TTL_SECONDS;

async function verifiedClaims(env: Bindings, token: string): Promise<{ userId: number; sessionId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, secretKey(env), { algorithms: ['HS256'] });
    const userId = Number(payload.sub);
    if (!Number.isInteger(userId) || typeof payload.jti !== 'string') return null;
    return { userId, sessionId: payload.jti };
  } catch {
    return null;
  }
}

/** The live session's user and role: one statement, by primary key. */
export function sessionUserQuery(env: Bindings, claims: { userId: number; sessionId: string }, now: number) {
  return getDb(env.DB)
    .select({ user: users, role: roles })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(roles, eq(roles.name, users.role))
    .where(and(eq(sessions.id, claims.sessionId), eq(sessions.userId, claims.userId), gt(sessions.expiresAt, now)))
    .limit(1);
}

/** Verifies the token, checks its session is live, and loads the user with their role's current permissions. */
export async function loadSessionUser(env: Bindings, token: string): Promise<SessionUser | null> {
  const claims = await verifiedClaims(env, token);
  if (!claims) return null;
  const [row] = await sessionUserQuery(env, claims, Date.now());
  return row ? toSessionUser(row.user, row.role) : null;
}

/** Signing out ends the token's session at once; an invalid token has nothing to end. */
export async function endSession(env: Bindings, token: string | undefined): Promise<void> {
  const claims = token ? await verifiedClaims(env, token) : null;
  if (claims) await getDb(env.DB).delete(sessions).where(eq(sessions.id, claims.sessionId));
}

/** The cron forgets sessions past their expiry (real clock, like the sessions themselves). */
export async function pruneExpiredSessions(env: Bindings): Promise<number> {
  const result = await getDb(env.DB).delete(sessions).where(lte(sessions.expiresAt, Date.now()));
  return result.meta.changes ?? 0;
}

export function toSessionUser(user: typeof users.$inferSelect, role: typeof roles.$inferSelect): SessionUser {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    timezone: user.timezone,
    locale: user.locale,
    teamId: user.teamId,
    role: user.role,
    permissions: { view: role.viewScope, edit: role.editScope, delete: role.deleteScope },
  };
}

export const publicUser = (u: SessionUser | (typeof users.$inferSelect)) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  timezone: u.timezone,
  locale: u.locale,
  teamId: u.teamId,
  role: u.role,
});
