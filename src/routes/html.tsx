import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { asc, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { isNonProduction, type AppEnv } from '../env';
import { getDb } from '../db/client';
import { outbox, pageHosts, schedulingPages, users } from '../db/schema';
import { loadPageBySlug, renamedSlug } from '../db/pages';
import { bookingJson, hostsView } from '../db/bookings';
import { listBookings } from '../db/booking-list';
import { withinScope } from '../domain/permissions';
import { TABS, decodeCursor, tabOf } from '../domain/tabs';
import { SESSION_COOKIE, endSession, loadSessionUser } from '../http/session';
import { csrf } from '../http/middleware';
import { authenticate, loginSchema, startSession } from './auth';
import { visibleUsersCondition } from './users';
import { resolveManageToken, manageJson } from './manage';
import { LoginPage } from '../ui/login';
import { BookingsPage } from '../ui/bookings-page';
import { BookingPage } from '../ui/booking-page';
import { ManagePage } from '../ui/manage-page';
import { MailboxPage } from '../ui/mailbox';
import { NotFoundPage } from '../ui/not-found';
import { runScheduledSweeps } from '../scheduled';
import { integrityReport } from '../db/integrity';

/**
 * A renamed page's old address: 301 to the new one, query kept (`?lang=`). Not cacheable, so a
 * browser follows the page if it is renamed again, or back.
 */
function movedTo(c: Context<AppEnv>, path: string) {
  c.header('Cache-Control', 'no-store');
  return c.redirect(`${path}${new URL(c.req.url).search}`, 301);
}

/** HTML pages redirect to /login instead of answering 401. */
const requirePageUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const user = token ? await loadSessionUser(c.env, token) : null;
  if (!user) return c.redirect('/login', 302);
  c.set('user', user);
  await next();
};

const filterId = z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined);
const bookingsQuery = z.object({
  tab: z.enum(TABS).catch('upcoming'),
  pageId: filterId,
  hostId: filterId,
  q: z.string().max(200).catch(''),
  cursor: z.string().max(200).optional().catch(undefined),
});

async function renderBookings(c: Context<AppEnv>) {
  const user = c.get('user');
  const { tab, q, cursor, pageId, hostId } = bookingsQuery.parse(c.req.query());
  const db = getDb(c.env.DB);
  // Filter choices: the hosts the viewer may see, and the pages those hosts hold.
  const visibleHosts = db.select({ id: users.id }).from(users).where(visibleUsersCondition(user));
  const [hostOptions, pageOptions] = await db.batch([
    db.select({ id: users.id, name: users.name }).from(users).where(visibleUsersCondition(user)).orderBy(asc(users.name)),
    db
      .selectDistinct({ id: schedulingPages.id, title: schedulingPages.title })
      .from(schedulingPages)
      .innerJoin(pageHosts, eq(pageHosts.pageId, schedulingPages.id))
      .where(inArray(pageHosts.userId, visibleHosts))
      .orderBy(asc(schedulingPages.title)),
  ]);
  const { rows, nextCursor } = await listBookings(db, user, {
    tab,
    pageId,
    hostId,
    q: q.trim() || undefined,
    limit: 25,
    cursor: cursor ? decodeCursor(cursor) : null,
    now: c.get('now').getTime(),
  });
  return c.html(
    <BookingsPage
      user={user}
      tab={tab}
      q={q}
      filters={{ pageId, hostId, pages: pageOptions, hosts: hostOptions }}
      nextCursor={nextCursor}
      rows={rows.map((r) => ({
        ...bookingJson(r),
        bookerName: r.personName ?? r.booking.bookerName,
        bookerEmail: r.personEmail ?? r.booking.bookerEmail,
        questionLabels: Object.fromEntries(r.page.questions.map((q) => [q.id, q.label])),
        canEdit: withinScope(user, user.permissions.edit, hostsView(r)),
        canDelete: withinScope(user, user.permissions.delete, hostsView(r)),
      }))}
    />,
  );
}

export const htmlRoutes = new Hono<AppEnv>()
  .get('/', (c) => c.redirect('/app/bookings', 302))
  .get('/login', (c) => c.html(<LoginPage />))
  .post('/login', csrf, async (c) => {
    const form = await c.req.parseBody();
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
  .get('/app/bookings', requirePageUser, renderBookings)
  .get('/b/:slug', async (c) => {
    const db = getDb(c.env.DB);
    const page = await loadPageBySlug(db, c.req.param('slug'));
    const moved = page ? undefined : await renamedSlug(db, c.req.param('slug'));
    if (moved) return movedTo(c, `/b/${moved}`);
    if (!page || !page.active) return c.html(<NotFoundPage />, 404);
    return c.html(<BookingPage page={page} />);
  })
  .get('/b/:slug/manage/:token', async (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    const managed = await resolveManageToken(c, c.req.param('token')).catch(() => null);
    const slug = managed?.record.page.slug;
    // An emailed link from before a rename: only a valid token on one of its page's old slugs moves.
    if (managed && slug !== c.req.param('slug') && (await renamedSlug(getDb(c.env.DB), c.req.param('slug'))) === slug) {
      return movedTo(c, `/b/${slug}/manage/${c.req.param('token')}`);
    }
    if (!managed || slug !== c.req.param('slug')) return c.html(<NotFoundPage />, 404);
    const b = manageJson(managed);
    const now = c.get('now').getTime();
    const canChange = b.status === 'confirmed' && tabOf(managed.record.booking, now) === 'upcoming';
    return c.html(
      <ManagePage
        token={c.req.param('token')}
        view={{
          slug: b.pageSlug,
          title: b.pageTitle,
          status: b.status,
          start: Date.parse(b.start),
          end: Date.parse(b.end),
          timezone: b.timezone,
          bookerTimezone: b.bookerTimezone,
          bookerName: b.bookerName,
          locationType: b.locationType,
          meetingUrl: b.meetingUrl,
          canChange,
          canReschedule: canChange,
          cancelReason: b.cancelReason,
          horizonDays: managed.record.page.horizonDays,
        }}
      />,
    );
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
