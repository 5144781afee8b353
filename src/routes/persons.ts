import { Hono } from 'hono';
import { and, desc, eq } from 'drizzle-orm';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { activities, opportunities, persons } from '../db/schema';
import { personScopeCondition } from '../db/scope';
import { notFound } from '../http/errors';
import { idParam } from '../http/schemas';
import { validate } from '../http/validate';

export const personRoutes = new Hono<AppEnv>().get('/:id', validate('param', idParam), async (c) => {
  const user = c.get('user');
  const { id } = c.req.valid('param');
  const db = getDb(c.env.DB);
  // CRM visibility follows the person's owner (SPEC 15): outside the caller's view scope → 404.
  const visible = personScopeCondition(user, user.permissions.view, persons.ownerId);
  const [[person], recent, opps] = await db.batch([
    db.select().from(persons).where(and(eq(persons.id, id), visible)),
    db.select().from(activities).where(eq(activities.personId, id)).orderBy(desc(activities.occurredAt)).limit(20),
    db.select().from(opportunities).where(eq(opportunities.personId, id)),
  ]);
  if (!person) throw notFound('Person not found');
  return c.json({
    person: {
      id: person.id,
      email: person.email,
      name: person.name,
      phone: person.phone,
      lifecycleStage: person.lifecycleStage,
      lifecycleMeta: person.lifecycleMeta,
      ownerId: person.ownerId,
      activities: recent.map((a) => ({ id: a.id, kind: a.kind, summary: a.summary, bookingId: a.bookingId, occurredAt: new Date(a.occurredAt).toISOString() })),
      opportunities: opps.map(({ id: oid, name, stage, amount, status }) => ({ id: oid, name, stage, amount, status })),
    },
  });
});

