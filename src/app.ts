import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { contextStorage } from 'hono/context-storage';
import type { AppEnv } from './env';
import { ApiError, envelope, type ErrorCode } from './http/errors';
import { clock, csrf, noStore, requireUser, securityHeaders } from './http/middleware';
import { authRoutes } from './routes/auth';
import { meRoutes } from './routes/me';
import { userRoutes } from './routes/users';
import { availabilityRoutes } from './routes/availability';
import { pageRoutes } from './routes/scheduling-pages';
import { bookingRequest, publicRoutes } from './routes/public';
import { blocklistRoutes } from './routes/blocklist';
import { clientIp } from './http/client-ip';
import { limitByIp } from './http/rate-limit';
import { bookingGuard, turnstileCsp } from './http/booking-guard';
import { LoginPage } from './ui/login';
import { bookingRoutes } from './routes/bookings';
import { personRoutes } from './routes/persons';
import { htmlRoutes } from './routes/html';
import { appBookingRoutes } from './routes/app-bookings';
import { appPageRoutes } from './routes/app-pages';
import { appAvailabilityRoutes } from './routes/app-availability';
import { appTeamRoutes } from './routes/app-team';
import { appWorkflowRoutes } from './routes/app-workflows';
import { appWebhookRoutes } from './routes/app-webhooks';
import { workflowRoutes } from './routes/workflows';
import { webhookRoutes } from './routes/webhooks';
import { bookerPageRoutes } from './routes/booker-pages';
import { devMailboxRoutes } from './routes/dev-mailbox';
import { devHostScheduleRoutes } from './routes/dev-host-schedule';
import { NotFoundPage } from './ui/not-found';
import { loadAssetVersions } from './ui/assets';
import { meterRoundTrips } from './http/round-trips';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'invalid_state',
  429: 'rate_limited',
};

const isApi = (path: string) => path.startsWith('/api/');

export const app = new Hono<AppEnv>();

app.use('*', meterRoundTrips);
// Outside securityHeaders: it widens the finished CSP of booking pages for Turnstile, if configured
// (the page reads the config through context storage).
app.use('/b/:slug', contextStorage(), turnstileCsp);
app.use('*', clock, clientIp, securityHeaders);
// Counts the bytes as they arrive, so a chunked body without Content-Length is capped too.
app.use('*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json(envelope('validation_failed', 'The request body is over 64 KB'), 413) }));
app.use('/api/*', noStore, csrf);
// Signed-in pages hold CRM data: never kept by a shared cache or the back-forward cache.
app.use('/app/*', noStore);
// Pages link versioned assets: learn the versions once per isolate, before the first page.
app.use('*', async (c, next) => {
  if (!isApi(c.req.path)) await loadAssetVersions(c.env.ASSETS);
  await next();
});

/** Trivial route: liveness, and the baseline the benchmarks compare against. */
app.get('/healthz', (c) => c.text('ok'));

// Abuse limits (SPEC 14), ahead of the routes so a refused request writes nothing.
app.post('/api/auth/login', limitByIp('LOGIN_IP_LIMITER'));
app.post('/login', limitByIp('LOGIN_IP_LIMITER'));
app.get('/api/public/pages/:slug/slots', limitByIp('SLOTS_IP_LIMITER'));
// The booker's pages compute their first month of slots into the HTML: the same limit as the slots API.
app.get('/b/:slug', limitByIp('SLOTS_IP_LIMITER'));
app.get('/b/:slug/manage/:token', limitByIp('SLOTS_IP_LIMITER'));
app.post('/api/public/pages/:slug/bookings', bookingGuard(bookingRequest));
// A booker's own changes send email too: one client changing bookings in a loop meets the same limit.
app.post('/api/public/manage/:token/*', limitByIp('BOOKING_IP_LIMITER'));
app.route('/api/auth', authRoutes);
app.route('/api/public', publicRoutes);
app.use('/api/me', requireUser);
app.use('/api/users/*', requireUser);
app.use('/api/scheduling-pages/*', requireUser);
app.use('/api/bookings/*', requireUser);
app.use('/api/persons/*', requireUser);
app.use('/api/blocklist', requireUser);
app.use('/api/workflows/*', requireUser);
app.use('/api/webhooks', requireUser);
app.use('/api/webhooks/*', requireUser);
app.use('/api/webhook-deliveries/*', requireUser);
app.route('/api/me', meRoutes);
app.route('/api/users', userRoutes);
app.route('/api/users', availabilityRoutes);
app.route('/api/scheduling-pages', pageRoutes);
app.route('/api/bookings', bookingRoutes);
app.route('/api/persons', personRoutes);
app.route('/api/blocklist', blocklistRoutes);
app.route('/api', workflowRoutes);
app.route('/api', webhookRoutes);
app.route('/', htmlRoutes);
app.route('/', bookerPageRoutes);
app.route('/', devMailboxRoutes);
app.route('/', devHostScheduleRoutes);
app.route('/', appBookingRoutes);
app.route('/', appPageRoutes);
app.route('/', appAvailabilityRoutes);
app.route('/', appTeamRoutes);
app.route('/', appWorkflowRoutes);
app.route('/', appWebhookRoutes);

app.notFound((c) => {
  if (isApi(c.req.path)) return c.json(envelope('not_found', 'Not found'), 404);
  return c.html(NotFoundPage(), 404);
});

/** The one place errors become responses: the envelope for the API, a page for HTML. */
app.onError((err, c) => {
  let code: ErrorCode;
  let message: string;
  let issues: ApiError['issues'];
  if (err instanceof ApiError) {
    ({ code, message, issues } = err);
    if (err.retryAfter !== undefined) c.header('Retry-After', String(err.retryAfter));
  } else if (err instanceof HTTPException && STATUS_CODES[err.status]) {
    code = STATUS_CODES[err.status];
    message = err.message || code;
  } else {
    console.error('unhandled error', err);
    return isApi(c.req.path)
      ? c.json({ error: { code: 'internal', message: 'Something went wrong' } }, 500)
      : c.text('Something went wrong', 500);
  }
  const status = err instanceof HTTPException ? err.status : 500;
  if (!isApi(c.req.path) && code === 'not_found') return c.html(NotFoundPage(), 404);
  // Among the pages, the sign-in form answers with itself; a booker's page with a short note.
  if (!isApi(c.req.path) && code === 'rate_limited') {
    return c.req.path.startsWith('/b/') ? c.text(message, 429) : c.html(LoginPage({ error: message }), 429);
  }
  return c.json(envelope(code, message, issues), status);
});
