import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { isNonProduction, type AppEnv } from '../env';
import { getDb } from '../db/client';
import { roles, users } from '../db/schema';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../domain/password';
import { ApiError, validationFailed } from '../http/errors';
import { consumeAndSetPassword, setPasswordTokenHash } from '../db/set-password-tokens';
import { limitByIp } from '../http/rate-limit';
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

/** A new password: at least 12 characters (the rule the set-password page shows), at most 200. */
export const newPassword = z.string().min(12, 'Use at least 12 characters').max(200, 'Use at most 200 characters');

export const setPasswordSchema = z.strictObject({ token: z.string().max(200), password: newPassword });

/** Neutral on purpose: an unknown, used and expired link all read the same. */
export const DEAD_LINK = 'This link no longer works. Ask an admin for a new one.';

/**
 * Sets the password of the link's user and uses the link up, atomically (db/set-password-tokens).
 * Returns the signed-in user to be, or null when the link is unknown, used or expired.
 */
export async function setPasswordWithToken(env: AppEnv['Bindings'], token: string, password: string, now: number) {
  const hash = await setPasswordTokenHash(token);
  if (!hash) return null;
  const userId = await consumeAndSetPassword(env.DB, hash, await hashPassword(password), now);
  if (userId === null) return null;
  const [row] = await getDb(env.DB).select({ user: users, role: roles }).from(users).innerJoin(roles, eq(roles.name, users.role)).where(eq(users.id, userId)).limit(1);
  return row ? toSessionUser(row.user, row.role) : null;
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
  // Limited like login: a link is a credential, so guessing one meets the same per-IP limit.
  .post('/set-password', limitByIp('LOGIN_IP_LIMITER'), validate('json', setPasswordSchema), async (c) => {
    const { token, password } = c.req.valid('json');
    const user = await setPasswordWithToken(c.env, token, password, c.get('now').getTime());
    if (!user) throw validationFailed([{ path: ['token'], message: DEAD_LINK, code: 'custom' }], DEAD_LINK);
    const session = await startSession(c, user.id);
    return c.json({ token: session, user: publicUser(user) });
  })
  .post('/logout', async (c) => {
    await endSession(c.env, sessionToken(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: !isNonProduction(c.env) });
    return c.json({ ok: true });
  });
