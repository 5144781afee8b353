import type { MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import type { AppEnv } from '../env';
import { ApiError, validationFailed } from './errors';
import { consume } from './rate-limit';
import { limitKey } from './client-ip';
import { blockingEntry, recordBlocked } from '../services/abuse-blocklist';
import { allowTurnstile, turnstileEnabled, turnstileSiteKey, verifyTurnstile } from '../services/abuse-turnstile';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const SLUG = /^[a-z0-9-]{3,64}$/;

/** Neutral on purpose: a blocked booker learns nothing about why (nor that a list exists). */
export const BLOCKED_MESSAGE = 'This booking could not be completed';

type GuardedBody = { email: string; turnstileToken?: string };

/**
 * Abuse checks for a public booking POST, before anything is written (SPEC 14), in order of
 * cost: the client IP's limit, then — for a body the route's own schema accepts — the booker
 * email's limit, Turnstile when configured, and the blocklist (a refusal is recorded for
 * admins). A body the schema refuses passes on untouched: the route's validator answers 400
 * with the same schema, so the two can never disagree about what a valid booking is.
 */
export const bookingGuard =
  (schema: ZodType<GuardedBody>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const ip = c.get('clientIp');
    await consume(c.env, 'BOOKING_IP_LIMITER', limitKey(ip));
    const slug = c.req.param('slug') ?? '';
    if (!JSON_TYPE.test((c.req.header('content-type') ?? '').split(';')[0].trim()) || !SLUG.test(slug)) return next();
    // Hono caches the parsed body, so the route's validator reads this same value.
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return next();
    const { email, turnstileToken } = parsed.data;
    // Side by side: the limiter's count and the blocklist's read (acted on only after Turnstile).
    const [limited, entry] = await Promise.all([
      consume(c.env, 'BOOKING_EMAIL_LIMITER', email).then(() => null, (err: unknown) => err),
      blockingEntry(c.env.DB, email),
    ]);
    if (limited) throw limited;
    if (turnstileEnabled(c.env)) {
      if (!turnstileToken) throw validationFailed([{ path: ['turnstileToken'], message: 'Complete the check that you are not a robot' }]);
      if (!(await verifyTurnstile(c.env, turnstileToken, ip))) throw new ApiError('forbidden', 'The robot check did not pass, please try again');
    }
    if (entry) {
      await recordBlocked(c.env.DB, { email, entry, pageSlug: slug, clientIp: ip, at: c.get('now').getTime() });
      throw new ApiError('forbidden', BLOCKED_MESSAGE);
    }
    return next();
  };

/**
 * Booking pages carry the Turnstile widget when it is configured, so their CSP allows Cloudflare's
 * script and frame then, and only then. Mounted outside securityHeaders: it edits the final header.
 */
export const turnstileCsp: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const csp = c.res.headers.get('content-security-policy');
  if (csp && turnstileSiteKey(c.env)) c.res.headers.set('content-security-policy', allowTurnstile(csp));
};
