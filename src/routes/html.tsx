import { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { desc } from 'drizzle-orm';
import { isNonProduction, type AppEnv } from '../env';
import { getDb } from '../db/client';
import { outbox } from '../db/schema';
import { SESSION_COOKIE, endSession } from '../http/session';
import { csrf } from '../http/middleware';
import { authenticate, loginSchema, startSession } from './auth';
import { LoginPage } from '../ui/login';
import { MailboxPage } from '../ui/mailbox';
import { NotFoundPage } from '../ui/not-found';
import { runScheduledSweeps } from '../scheduled';
import { integrityReport } from '../db/integrity';
import { formBody } from '../http/validate';

export const htmlRoutes = new Hono<AppEnv>()
  .get('/', (c) => c.redirect('/app/bookings', 302))
  .get('/login', (c) => c.html(<LoginPage />))
  .post('/login', csrf, async (c) => {
    const form = await formBody(c);
    const parsed = loginSchema.safeParse({ email: String(form.email ?? ''), password: String(form.password ?? '') });
    const user = parsed.success ? await authenticate(c.env, parsed.data.email, parsed.data.password) : null;
    if (!user) return c.html(<LoginPage email={String(form.email ?? '')} error="Email or password is incorrect." />, 401);
    await startSession(c, user.id);
    return c.redirect('/app/bookings', 303);
  })
  .post('/logout', csrf, async (c) => {
    await endSession(c.env, getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: !isNonProduction(c.env) });
    return c.redirect('/login', 303);
  })
  // Dev/test only: run the cron's sweeps at X-Test-Now (wrangler dev's /__scheduled ignores `time`).
  .post('/dev/sweep', async (c) => {
    if (!isNonProduction(c.env)) return c.html(<NotFoundPage />, 404);
    return c.json(await runScheduledSweeps(c.env, c.get('now')));
  })
  // Dev/test only: the invariants as SQL counts (the stress suite reads them after its rounds).
  .get('/dev/integrity', async (c) => {
    if (!isNonProduction(c.env)) return c.html(<NotFoundPage />, 404);
    return c.json(await integrityReport(c.env.DB));
  })
  .get('/dev/mailbox', async (c) => {
    if (!isNonProduction(c.env)) return c.html(<NotFoundPage />, 404);
    const emails = await getDb(c.env.DB).select().from(outbox).orderBy(desc(outbox.createdAt)).limit(200);
    return c.html(<MailboxPage emails={emails} />);
  });
