import type { Context, MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import type { AppEnv } from '../env';
import { ApiError, validationFailed } from './errors';
import { consume } from './rate-limit';
import { limitKey } from './client-ip';
import { parseOnce } from './validate';
import { timed } from './server-timing';
import { allowTurnstile, turnstileEnabled, turnstileSiteKey, verifyTurnstile } from '../services/abuse-turnstile';

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const SLUG = /^[a-z0-9-]{3,64}$/;

/** Neutral on purpose: a blocked booker learns nothing about why (nor that a list exists). */
export const BLOCKED_MESSAGE = 'This booking could not be completed';

type GuardedBody = { email: string; turnstileToken?: string };

export type DeferredLimits = { clientKey: string; email: string };
const deferred = new WeakMap<Request, DeferredLimits>();

/**
 * Abuse checks for a public booking POST, before anything is written (SPEC 14). A body the
 * route's own schema refuses counts on the client IP's limit and passes on: the route's
 * validator answers 400 with the same schema (and the same parse, see parseOnce), so the two
 * can never disagree about what a valid booking is.
 *
 * A valid booking's limits (client IP and booker email) are counted at its turn in the host's
 * Durable Object, before it reads D1 (BookJob.limits, handed on by deferredLimits): a contender
 * for time the object knows is taken is answered 409 at once — nothing written, nothing read,
 * nothing it could not see on the page's slots — and one over a limit gets the 429 before any
 * read. The blocklist is read in the booking's own read batch there, before anything commits:
 * a blocked booker never gets a 201 (the route records the refusal for admins). With Turnstile
 * configured, the limits are counted here first and the token checked before the object is asked.
 */
export const bookingGuard =
  (schema: ZodType<GuardedBody>): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const ip = c.get('clientIp');
    const clientKey = limitKey(ip);
    const slug = c.req.param('slug') ?? '';
    if (!JSON_TYPE.test((c.req.header('content-type') ?? '').split(';')[0].trim()) || !SLUG.test(slug)) {
      await consume(c.env, 'BOOKING_IP_LIMITER', clientKey);
      return next();
    }
    // Hono caches the parsed body, and parseOnce the schema's verdict: the route's validator reuses both.
    const parsed = parseOnce(c.req.raw, schema, await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      await consume(c.env, 'BOOKING_IP_LIMITER', clientKey);
      return next();
    }
    const { email, turnstileToken } = parsed.data;
    if (!turnstileEnabled(c.env)) {
      deferred.set(c.req.raw, { clientKey, email });
      return next();
    }
    // Both counters side by side; the IP's refusal comes first, as when they ran in turn.
    const [byIp, byEmail] = await timed(c, 'limits', Promise.allSettled([consume(c.env, 'BOOKING_IP_LIMITER', clientKey), consume(c.env, 'BOOKING_EMAIL_LIMITER', email)]));
    if (byIp.status === 'rejected') throw byIp.reason;
    if (byEmail.status === 'rejected') throw byEmail.reason;
    if (!turnstileToken) throw validationFailed([{ path: ['turnstileToken'], message: 'Complete the check that you are not a robot' }]);
    if (!(await verifyTurnstile(c.env, turnstileToken, ip))) throw new ApiError('forbidden', 'The robot check did not pass, please try again');
    return next();
  };

/** The limits this request's guard left to the booking's turn in its host's object (see bookingGuard). */
export const deferredLimits = (c: Context): DeferredLimits | undefined => deferred.get(c.req.raw);

/**
 * Booking pages carry the Turnstile widget when it is configured, so their CSP allows Cloudflare's
 * script and frame then, and only then. Mounted outside securityHeaders: it edits the final header.
 */
export const turnstileCsp: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const csp = c.res.headers.get('content-security-policy');
  if (csp && turnstileSiteKey(c.env)) c.res.headers.set('content-security-policy', allowTurnstile(csp));
};
