import { Hono, type Context } from 'hono';
import { inArray } from 'drizzle-orm';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { readDb, readSessionBookmark } from '../http/d1-session';
import { users } from '../db/schema';
import { loadPageBySlug, renamedSlug } from '../db/pages';
import { tabOf } from '../domain/tabs';
import { negotiateLocale, supportedLocale } from '../domain/locale-negotiation';
import { googleCalendarUrl, icsUrl, outlookCalendarUrl } from '../domain/calendar-links';
import { resolveManageToken, manageJson } from './manage';
import { firstMonthSlots } from '../services/public-booking';
import { BookingPage } from '../ui/booking-page';
import { ManagePage } from '../ui/manage-page';
import { NotFoundPage } from '../ui/not-found';
import { fill, messages } from '../ui/i18n';
import { locationText, nameList } from '../ui/booker-parts';

/**
 * A renamed page's old address: 301 to the new one, query kept (`?lang=`). Not cacheable, so a
 * browser follows the page if it is renamed again, or back.
 */
function movedTo(c: Context<AppEnv>, path: string) {
  c.header('Cache-Control', 'no-store');
  return c.redirect(`${path}${new URL(c.req.url).search}`, 301);
}

/** The reader's language (SPEC 10): ?lang=, else Accept-Language, else English. */
function pageLocale(c: Context<AppEnv>) {
  const locale = negotiateLocale(c.req.query('lang'), c.req.header('accept-language'));
  c.header('Content-Language', locale);
  c.header('Vary', 'Accept-Language');
  return locale;
}

/** The language the reader asked for in the address, carried on to the next page. */
const askedLang = (c: Context<AppEnv>) => supportedLocale(c.req.query('lang'));

/** The booker's pages: `/b/:slug` and `/b/:slug/manage/:token` (SPEC 4, 10). */
export const bookerPageRoutes = new Hono<AppEnv>()
  .use('/b/*', readSessionBookmark)
  .get('/b/:slug', async (c) => {
    // Through a read replica, anchored at the booker's bookmark (http/d1-session.ts).
    const db = readDb(c);
    const page = await loadPageBySlug(db, c.req.param('slug'));
    const moved = page ? undefined : await renamedSlug(db, c.req.param('slug'));
    if (moved) return movedTo(c, `/b/${moved}`);
    const locale = pageLocale(c);
    if (!page || !page.active) return c.html(<NotFoundPage locale={locale} />, 404);
    const now = c.get('now').getTime();
    // The first month's free time comes inside the HTML: no slots request before the booker acts.
    const first = await firstMonthSlots(c.env, db, page, now);
    return c.html(
      <BookingPage
        page={page}
        hostNames={first.hostNames}
        locale={locale}
        lang={askedLang(c)}
        now={now}
        first={{ slots: first.slots, loadedTo: first.loadedTo, horizonEnd: first.horizonEnd }}
      />,
    );
  })
  .get('/b/:slug/manage/:token', async (c) => {
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    const locale = pageLocale(c);
    const token = c.req.param('token');
    const managed = await resolveManageToken(c, token).catch(() => null);
    const slug = managed?.record.page.slug;
    // An emailed link from before a rename: only a valid token on one of its page's old slugs moves.
    if (managed && slug !== c.req.param('slug') && (await renamedSlug(getDb(c.env.DB), c.req.param('slug'))) === slug) {
      return movedTo(c, `/b/${slug}/manage/${token}`);
    }
    if (!managed || slug !== c.req.param('slug')) return c.html(<NotFoundPage locale={locale} />, 404);
    const db = readDb(c);
    const b = manageJson(managed);
    const now = c.get('now').getTime();
    const canChange = b.status === 'confirmed' && tabOf(managed.record.booking, now) === 'upcoming';
    const hostRows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, managed.record.hostIds));
    // Names only (they are on the booking page anyway), primary host first.
    const hostNames = [managed.record.booking.hostId, ...managed.record.hostIds.filter((id) => id !== managed.record.booking.hostId)]
      .map((id) => hostRows.find((h) => h.id === id)?.name)
      .filter((n): n is string => !!n);
    const t = messages(locale);
    const start = Date.parse(b.start);
    const end = Date.parse(b.end);
    const origin = new URL(c.req.url).origin;
    const where = `${locationText(t, b.locationType, b.locationValue)}${b.meetingUrl ? ` ${b.meetingUrl}` : ''}`;
    const event = { title: b.pageTitle, start, end, location: where, details: `${b.pageTitle} ${fill(t.with, { names: nameList(t, hostNames) })}\n${origin}/b/${b.pageSlug}/manage/${token}` };
    // The reschedule calendar starts like the booking page: this month's free time in the HTML.
    const page = canChange ? await loadPageBySlug(db, b.pageSlug) : undefined;
    const first = page ? await firstMonthSlots(c.env, db, page, now) : null;
    return c.html(
      <ManagePage
        locale={locale}
        path={`/b/${b.pageSlug}/manage/${token}`}
        picker={
          first && {
            slug: b.pageSlug,
            token,
            locale,
            lang: askedLang(c),
            pageZone: b.timezone,
            now,
            slots: first.slots,
            loadedTo: first.loadedTo,
            horizonEnd: first.horizonEnd,
          }
        }
        view={{
          slug: b.pageSlug,
          title: b.pageTitle,
          status: b.status,
          start,
          end,
          timezone: b.timezone,
          bookerTimezone: b.bookerTimezone,
          bookerName: b.bookerName,
          bookerEmail: b.bookerEmail,
          hostNames,
          locationType: b.locationType,
          locationValue: b.locationValue,
          meetingUrl: b.meetingUrl,
          canChange,
          cancelReason: b.cancelReason,
          justBooked: c.req.query('booked') === '1',
          calendar: { google: googleCalendarUrl(event), outlook: outlookCalendarUrl(event), ics: icsUrl('', token) },
        }}
      />,
    );
  });
