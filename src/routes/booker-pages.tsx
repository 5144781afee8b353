import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { loadPageBySlug, renamedSlug } from '../db/pages';
import { tabOf } from '../domain/tabs';
import { resolveManageToken, manageJson } from './manage';
import { BookingPage } from '../ui/booking-page';
import { ManagePage } from '../ui/manage-page';
import { NotFoundPage } from '../ui/not-found';

/**
 * A renamed page's old address: 301 to the new one, query kept (`?lang=`). Not cacheable, so a
 * browser follows the page if it is renamed again, or back.
 */
function movedTo(c: Context<AppEnv>, path: string) {
  c.header('Cache-Control', 'no-store');
  return c.redirect(`${path}${new URL(c.req.url).search}`, 301);
}

/** The booker's pages: `/b/:slug` and `/b/:slug/manage/:token` (SPEC 4, 10). */
export const bookerPageRoutes = new Hono<AppEnv>()
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
  });
