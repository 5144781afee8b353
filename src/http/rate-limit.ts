import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Bindings } from '../env';
import { rateLimited } from './errors';
import { limitKey } from './client-ip';

type LimiterName = 'BOOKING_IP_LIMITER' | 'BOOKING_EMAIL_LIMITER' | 'SLOTS_IP_LIMITER' | 'LOGIN_IP_LIMITER';

/**
 * Every limiter in wrangler.toml counts over 60 s. The binding says only yes or no, so the
 * period is the honest Retry-After: the window has rolled over by then.
 */
export const LIMIT_PERIOD_SECONDS = 60;

/**
 * Counts one request for `key` on a Workers Rate Limiting binding; over the limit → 429
 * `rate_limited` with Retry-After. Keys are namespaced by limiter, so an IP and an email never
 * share a counter.
 */
export async function consume(env: Bindings, limiter: LimiterName, key: string): Promise<void> {
  const { success } = await env[limiter].limit({ key });
  if (!success) throw rateLimited(LIMIT_PERIOD_SECONDS);
}

/** Middleware: one count per request for the client (its IP, an IPv6 one by /64; see limitKey). */
export const limitByIp =
  (limiter: LimiterName): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    await consume(c.env, limiter, limitKey(c.get('clientIp')));
    await next();
  };
