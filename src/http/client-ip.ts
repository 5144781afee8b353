import type { MiddlewareHandler } from 'hono';
import { isNonProduction, type AppEnv } from '../env';

// An IPv4 or IPv6 literal, loosely: the value becomes a rate-limit key, never markup or SQL.
const IP_LIKE = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The client's IP for abuse limits, set once on the context. Cloudflare puts the real address in
 * CF-Connecting-IP; only in development and test may X-Test-Client-IP stand in (as X-Test-Now
 * does for the clock), so tests can act as many clients.
 */
export const clientIp: MiddlewareHandler<AppEnv> = async (c, next) => {
  const override = isNonProduction(c.env) ? c.req.header('x-test-client-ip') : undefined;
  const ip = override && IP_LIKE.test(override) ? override : c.req.header('cf-connecting-ip');
  c.set('clientIp', ip && IP_LIKE.test(ip) ? ip : 'unknown');
  await next();
};

/**
 * The key a client is counted under: an IPv4 address as is, an IPv6 address by its /64 — one
 * subscriber's network, inside which a client can take a fresh address for every request.
 */
export function limitKey(ip: string): string {
  // IPv4, and IPv6 with an embedded IPv4 (::ffff:a.b.c.d): the whole address.
  if (!ip.includes(':') || ip.includes('.')) return ip;
  const [head, tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
