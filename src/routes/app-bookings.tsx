import { Hono, type Context } from 'hono';
import { asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { pageHosts, schedulingPages, users } from '../db/schema';
import { bookingJson, hostsView } from '../db/bookings';
import { listBookings } from '../db/booking-list';
import { withinScope } from '../domain/permissions';
import { TABS, decodeCursor } from '../domain/tabs';
import { requirePageUser } from '../http/page-auth';
import { visibleUsersCondition } from '../db/scope';
import { BookingsPage } from '../ui/bookings-page';

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


/** `/app/bookings`: the host's list of bookings (SPEC 4, 13). */
export const appBookingRoutes = new Hono<AppEnv>().get('/app/bookings', requirePageUser, renderBookings);
