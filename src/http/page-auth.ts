import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { SESSION_COOKIE, loadSessionUser } from './session';

/** Signed-in HTML pages redirect to /login instead of answering 401. */
export const requirePageUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const user = token ? await loadSessionUser(c.env, token) : null;
  if (!user) return c.redirect('/login', 302);
  c.set('user', user);
  await next();
};
