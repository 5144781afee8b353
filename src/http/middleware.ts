import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import { isNonProduction, type AppEnv } from '../env';
import { ApiError } from './errors';
import { SESSION_COOKIE, loadSessionUser } from './session';

/** "Now" for the request. X-Test-Now is honoured only in development and test. */
export const clock: MiddlewareHandler<AppEnv> = async (c, next) => {
  let now = new Date();
  const override = c.req.header('x-test-now');
  if (override && isNonProduction(c.env)) {
    const parsed = new Date(override);
    if (!Number.isNaN(parsed.getTime())) now = parsed;
  }
  c.set('now', now);
  await next();
};

/** Strict CSP: scripts and styles only from our own origin, never inline. */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
  // Not no-referrer everywhere: Chromium then sends `Origin: null` on form posts, which the
  // CSRF check rightly refuses. Manage pages set no-referrer themselves (kept: overwrite off).
  referrerPolicy: 'strict-origin-when-cross-origin',
  crossOriginEmbedderPolicy: false,
  overwrite: false,
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}

/**
 * CSRF: a write that relies on the session cookie must come from our own origin. Bearer
 * requests cannot be forged by a browser, so they pass. Login with a foreign Origin is refused
 * too (login CSRF).
 */
export const csrf: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  const origin = c.req.header('origin');
  const usesCookie = !bearerToken(c.req.header('authorization')) && getCookie(c, SESSION_COOKIE) !== undefined;
  const sameOrigin = origin === new URL(c.req.url).origin;
  if ((usesCookie && !sameOrigin) || (origin !== undefined && !sameOrigin && !bearerToken(c.req.header('authorization')))) {
    throw new ApiError('forbidden', 'Cross-site request refused');
  }
  return next();
};

/** The request's session token: the Bearer token, else the session cookie. */
export const sessionToken = (c: Context<AppEnv>) => bearerToken(c.req.header('authorization')) ?? getCookie(c, SESSION_COOKIE);

/** Resolves the signed-in user from the Bearer token or the session cookie; 401 otherwise. */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = sessionToken(c);
  const user = token ? await loadSessionUser(c.env, token) : null;
  if (!user) throw new ApiError('unauthenticated', 'Sign in to continue');
  c.set('user', user);
  await next();
};

/** API and manage-page answers must never be cached by shared caches. */
export const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
};
