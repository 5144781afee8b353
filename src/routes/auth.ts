import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { isNonProduction, type AppEnv } from '../env';
import { getDb } from '../db/client';
import { roles, users } from '../db/schema';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../domain/password';
import { ApiError } from '../http/errors';
import { validate } from '../http/validate';
import { SESSION_COOKIE, endSession, issueSessionToken, publicUser, sessionTtlSeconds, toSessionUser } from '../http/session';
import { sessionToken } from '../http/middleware';
import { clearFailures, lockSeconds, readFailures, recordFailure } from '../services/abuse-login';
import type { Context } from 'hono';

export const loginSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

/**
 * Checks credentials; the same work is done for unknown emails so timing reveals nothing.
 * Repeated failures lock the email for a while (services/abuse-login.ts): then every attempt,
 * even with the right password, throws 429 `rate_limited`.
 */
export async function authenticate(env: AppEnv['Bindings'], email: string, password: string, now = Date.now()) {
  const key = email.toLowerCase();
  const [failures, [row]] = await Promise.all([
    readFailures(env.DB, key),
    getDb(env.DB).select({ user: users, role: roles }).from(users).innerJoin(roles, eq(roles.name, users.role)).where(eq(users.email, key)).limit(1),
  ]);
  const wait = lockSeconds(failures, now);
  if (wait > 0) throw new ApiError('rate_limited', 'Too many failed sign-ins for this email, try again later', undefined, wait);
  const ok = await verifyPassword(password, row?.user.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (ok && row) {
    if (failures) await clearFailures(env.DB, key);
    return toSessionUser(row.user, row.role);
  }
  await recordFailure(env.DB, key, now);
  return null;
}

export async function startSession(c: Context<AppEnv>, userId: number): Promise<string> {
  const token = await issueSessionToken(c.env, userId);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    // Production cookies are Secure even when a proxy hands us plain http.
    secure: !isNonProduction(c.env) || new URL(c.req.url).protocol === 'https:',
    sameSite: 'Lax',
    path: '/',
    maxAge: sessionTtlSeconds,
  });
  return token;
}

export const authRoutes = new Hono<AppEnv>()
  .post('/login', validate('json', loginSchema), async (c) => {
    const { email, password } = c.req.valid('json');
    const user = await authenticate(c.env, email, password, c.get('now').getTime());
    if (!user) throw new ApiError('unauthenticated', 'Email or password is incorrect');
    const token = await startSession(c, user.id);
    return c.json({ token, user: publicUser(user) });
  })
  .post('/logout', async (c) => {
    await endSession(c.env, sessionToken(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: !isNonProduction(c.env) });
    return c.json({ ok: true });
  });
