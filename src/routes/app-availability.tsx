import { Hono } from 'hono';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { users } from '../db/schema';
import { visibleUsersCondition } from '../db/scope';
import { formatInZone } from '../domain/format';
import { localDateKey, localDateOf } from '../domain/time';
import { notFound } from '../http/errors';
import { requirePageUser } from '../http/page-auth';
import { availabilityAccess, availabilityJson, freeTimePreview } from '../services/availability';
import { AvailabilityPage } from '../ui/availability-page';

const query = z.object({ userId: z.coerce.number().int().positive().max(2 ** 31).optional().catch(undefined) });

/** Every IANA zone the runtime knows, with the user's own even if it is an alias left out of the list. */
function zoneChoices(current: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes(current) ? zones : [...zones, current].sort();
}

/** Availability editor (SPEC 9): the viewer's own, or `?userId=N` in their scope (read-only without edit). */
export const appAvailabilityRoutes = new Hono<AppEnv>().get('/app/availability', requirePageUser, async (c) => {
  const viewer = c.get('user');
  const { userId } = query.parse(c.req.query());
  const db = getDb(c.env.DB);
  const [[target], visible] = await db.batch([
    db
      .select({ id: users.id, name: users.name, email: users.email, timezone: users.timezone, teamId: users.teamId })
      .from(users)
      .where(eq(users.id, userId ?? viewer.id))
      .limit(1),
    db.select({ id: users.id, name: users.name, teamId: users.teamId }).from(users).where(visibleUsersCondition(viewer)).orderBy(asc(users.name)),
  ]);
  const access = target ? availabilityAccess(viewer, target) : null;
  if (!target || !access) throw notFound('User not found');
  const now = c.get('now').getTime();
  const { rows, days } = await freeTimePreview(c.env, db, target, now);
  return c.html(
    <AvailabilityPage
      viewer={viewer}
      target={target}
      availability={availabilityJson(target.timezone, rows)}
      preview={days}
      readOnly={access !== 'edit'}
      people={visible.map((u) => ({ id: u.id, name: u.name, canEdit: availabilityAccess(viewer, u) === 'edit' }))}
      zones={zoneChoices(target.timezone)}
      today={localDateKey(localDateOf(now, target.timezone))}
      zoneTime={formatInZone(now, target.timezone, 'time')}
    />,
  );
});
