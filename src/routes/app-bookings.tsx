import { Hono, type Context } from 'hono';
import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { pageHosts, schedulingPages, users } from '../db/schema';
import { bookingJson, hostsView } from '../db/bookings';
import { listBookings } from '../db/booking-list';
import { withinScope } from '../domain/permissions';
import { ATTENDANCE_FILTERS, TABS, dayRangeUtc, decodeCursor, parseDateKey } from '../domain/tabs';
import { requirePageUser } from '../http/page-auth';
import { visibleUsersCondition } from '../db/scope';
import { BookingsPage } from '../ui/bookings-page';

// The page ignores a bad filter value (a hand-edited URL) instead of refusing the page; the API answers 400.
const filterId = z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined);
const filterDate = z
  .string()
  .optional()
  .transform((s) => (s && parseDateKey(s) ? s : undefined))
  .catch(undefined);
const bookingsQuery = z.object({
  tab: z.enum(TABS).catch('upcoming'),
  pageId: filterId,
  hostId: filterId,
  attendance: z.enum(ATTENDANCE_FILTERS).optional().catch(undefined),
  from: filterDate,
  to: filterDate,
  q: z.string().max(200).catch(''),
  cursor: z.string().max(200).optional().catch(undefined),
});

async function renderBookings(c: Context<AppEnv>) {
  const user = c.get('user');
  const parsed = bookingsQuery.parse(c.req.query());
  const { tab, q, cursor, pageId, hostId } = parsed;
  const attendance = tab === 'past' ? parsed.attendance : undefined;
  // Dates the wrong way round: read as the range between them.
  const [from, to] = parsed.from && parsed.to && parsed.from > parsed.to ? [parsed.to, parsed.from] : [parsed.from, parsed.to];
  const db = getDb(c.env.DB);
  const now = c.get('now').getTime();
  // Filter choices: the hosts the viewer may see, and the pages those hosts hold.
  const visibleHosts = db.select({ id: users.id }).from(users).where(visibleUsersCondition(user));
  const choices = db.batch([
    db.select({ id: users.id, name: users.name }).from(users).where(visibleUsersCondition(user)).orderBy(asc(users.name)),
    db
      .selectDistinct({ id: schedulingPages.id, title: schedulingPages.title })
      .from(schedulingPages)
      .innerJoin(pageHosts, eq(pageHosts.pageId, schedulingPages.id))
      .where(inArray(pageHosts.userId, visibleHosts))
      .orderBy(asc(schedulingPages.title)),
  ]);
  const list = listBookings(
    db,
    user,
    {
      tab,
      pageId,
      hostId,
      attendance,
      ...dayRangeUtc(from ? parseDateKey(from) : null, to ? parseDateKey(to) : null, user.timezone),
      q: q.trim() || undefined,
      limit: 25,
      cursor: cursor ? decodeCursor(cursor) : null,
      now,
    },
    { counts: true },
  );
  const [[hostOptions, pageOptions], { rows, nextCursor, counts }] = await Promise.all([choices, list]);
  return c.html(
    <BookingsPage
      user={user}
      tab={tab}
      now={now}
      counts={counts!}
      filters={{ q, pageId, hostId, attendance, from, to }}
      choices={{ pages: pageOptions, hosts: hostOptions }}
      nextCursor={nextCursor}
      rows={rows.map((r) => ({
        ...bookingJson(r),
        bookerName: r.personName ?? r.booking.bookerName,
        bookerEmail: r.personEmail ?? r.booking.bookerEmail,
        hosts: r.hosts,
        questionLabels: Object.fromEntries(r.page.questions.map((q) => [q.id, q.label])),
        canEdit: withinScope(user, user.permissions.edit, hostsView(r)),
        canDelete: withinScope(user, user.permissions.delete, hostsView(r)),
      }))}
    />,
  );
}

/** `/app/bookings`: the host's list of bookings (SPEC 4, 13). */
export const appBookingRoutes = new Hono<AppEnv>().get('/app/bookings', requirePageUser, renderBookings);
