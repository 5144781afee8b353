import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { roles, users } from '../db/schema';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../domain/password';
import { ApiError } from '../http/errors';
import { validate } from '../http/validate';
import { SESSION_COOKIE, endSession, issueSessionToken, publicUser, sessionTtlSeconds, toSessionUser } from '../http/session';
import { sessionToken } from '../http/middleware';
import type { Context } from 'hono';

export const loginSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

/** Checks credentials; the same work is done for unknown emails so timing reveals nothing. */
export async function authenticate(env: AppEnv['Bindings'], email: string, password: string) {
  const [row] = await getDb(env.DB)
    .select({ user: users, role: roles })
    .from(users)
    .innerJoin(roles, eq(roles.name, users.role))
    .where(eq(users.email, email.toLowerCase()))
    .limit(1);
  const ok = await verifyPassword(password, row?.user.passwordHash ?? DUMMY_PASSWORD_HASH);
  return ok && row ? toSessionUser(row.user, row.role) : null;
}

export async function startSession(c: Context<AppEnv>, userId: number): Promise<string> {
  const token = await issueSessionToken(c.env, userId);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: new URL(c.req.url).protocol === 'https:',
    sameSite: 'Lax',
    path: '/',
    maxAge: sessionTtlSeconds,
  });
  return token;
}

export const authRoutes = new Hono<AppEnv>()
  .post('/login', validate('json', loginSchema), async (c) => {
    const { email, password } = c.req.valid('json');
    const user = await authenticate(c.env, email, password);
    if (!user) throw new ApiError('unauthenticated', 'Email or password is incorrect');
    const token = await startSession(c, user.id);
    return c.json({ token, user: publicUser(user) });
  })
  .post('/logout', async (c) => {
    await endSession(c.env, sessionToken(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });
