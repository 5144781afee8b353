import { SignJWT, jwtVerify } from 'jose';
import { eq } from 'drizzle-orm';
import type { Bindings } from '../env';
import { isNonProduction } from '../env';
import { getDb } from '../db/client';
import { roles, users } from '../db/schema';
import type { SessionUser } from '../domain/permissions';

export const SESSION_COOKIE = 'session';
const SESSION_TTL_SECONDS = 60 * 60 * 12;
const DEV_SECRET = 'dev-only-session-secret-never-used-in-production';

function secretKey(env: Bindings): Uint8Array {
  const secret = env.SESSION_SECRET ?? (isNonProduction(env) ? DEV_SECRET : undefined);
  if (!secret) throw new Error('SESSION_SECRET is not configured');
  return new TextEncoder().encode(secret);
}

/** Sessions run on the real clock, never X-Test-Now: a test clock must not extend or expire them. */
export async function issueSessionToken(env: Bindings, userId: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(secretKey(env));
}

export const sessionTtlSeconds = SESSION_TTL_SECONDS;

/** Verifies the token and loads the user with their role's current permissions. */
export async function loadSessionUser(env: Bindings, token: string): Promise<SessionUser | null> {
  let sub: string | undefined;
  try {
    const { payload } = await jwtVerify(token, secretKey(env), { algorithms: ['HS256'] });
    sub = payload.sub;
  } catch {
    return null;
  }
  const id = Number(sub);
  if (!Number.isInteger(id)) return null;
  const [row] = await getDb(env.DB)
    .select({ user: users, role: roles })
    .from(users)
    .innerJoin(roles, eq(roles.name, users.role))
    .where(eq(users.id, id))
    .limit(1);
  if (!row) return null;
  return toSessionUser(row.user, row.role);
}

export function toSessionUser(user: typeof users.$inferSelect, role: typeof roles.$inferSelect): SessionUser {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    timezone: user.timezone,
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
  teamId: u.teamId,
  role: u.role,
});
