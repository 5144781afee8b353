import type { MiddlewareHandler } from 'hono';
import { isNonProduction, type AppEnv } from '../env';
import { meteredD1, roundTripsOf } from '../db/client';
import { serverTiming } from './server-timing';

/**
 * Every request reads D1 through a metered binding of its own. Outside production the answer
 * says how many sequential round trips it took (route and the host's Durable Object):
 * X-D1-Round-Trips, which the round-trip tests assert and the bench prints; and where its time
 * went, as Server-Timing spans (server-timing.ts).
 */
export const meterRoundTrips: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.env = { ...c.env, DB: meteredD1(c.env) };
  await next();
  if (!isNonProduction(c.env)) return;
  try {
    c.res.headers.set('x-d1-round-trips', String(roundTripsOf(c.env.DB)));
    const timing = serverTiming(c);
    if (timing) c.res.headers.set('server-timing', timing);
  } catch {
    // An immutable response (a static asset's): nothing of D1 to tell there.
  }
};
