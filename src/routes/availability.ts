import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { availabilityOverrides, availabilityRules, users } from '../db/schema';
import { userWithinScope } from '../domain/permissions';
import { parseClock } from '../domain/time';
import { forbidden, notFound, validationFailed } from '../http/errors';
import { clock, idParam, localDate, timeZone } from '../http/schemas';
import { validate } from '../http/validate';

export const availabilitySchema = z
  .strictObject({
    timezone: timeZone,
    weekly: z
      .array(z.strictObject({ day: z.number().int().min(0).max(6), start: clock, end: clock }))
      .max(70),
    overrides: z
      .array(
        z.strictObject({
          date: localDate,
          start: clock.optional(),
          end: clock.optional(),
          unavailable: z.boolean().optional(),
        }),
      )
      .max(366)
      .default([]),
  })
  .superRefine((value, ctx) => {
    value.weekly.forEach((w, i) => {
      if (parseClock(w.start) >= parseClock(w.end)) {
        ctx.addIssue({ code: 'custom', path: ['weekly', i, 'end'], message: 'End must be after start' });
      }
    });
    value.overrides.forEach((o, i) => {
      if (o.unavailable) {
        if (o.start || o.end) ctx.addIssue({ code: 'custom', path: ['overrides', i], message: 'A day off has no hours' });
      } else if (!o.start || !o.end) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i], message: 'Give start and end, or unavailable: true' });
      } else if (parseClock(o.start) >= parseClock(o.end)) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i, 'end'], message: 'End must be after start' });
      }
    });
  });

/** A user's weekly hours and date overrides, under `/api/users/:id/availability` (SPEC 6, 9). */
export const availabilityRoutes = new Hono<AppEnv>()
  .put('/:id/availability', validate('param', idParam), validate('json', availabilitySchema), async (c) => {
    const actor = c.get('user');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    const [target] = await db.select().from(users).where(eq(users.id, id)).limit(1);
    if (!target || (target.id !== actor.id && !userWithinScope(actor, actor.permissions.view, target))) throw notFound('User not found');
    if (target.id !== actor.id && !userWithinScope(actor, actor.permissions.edit, target)) throw forbidden();
    const dates = body.overrides.map((o) => o.date);
    if (new Set(dates).size !== dates.length) throw validationFailed([{ path: ['overrides'], message: 'One override per date' }]);

    await db.batch([
      db.update(users).set({ timezone: body.timezone }).where(eq(users.id, id)),
      db.delete(availabilityRules).where(eq(availabilityRules.userId, id)),
      db.delete(availabilityOverrides).where(eq(availabilityOverrides.userId, id)),
      ...body.weekly.map((w) =>
        db.insert(availabilityRules).values({ userId: id, day: w.day, startMinute: parseClock(w.start), endMinute: parseClock(w.end) }),
      ),
      ...body.overrides.map((o) =>
        db.insert(availabilityOverrides).values({
          userId: id,
          date: o.date,
          unavailable: o.unavailable ?? false,
          startMinute: o.start ? parseClock(o.start) : null,
          endMinute: o.end ? parseClock(o.end) : null,
        }),
      ),
    ]);
    return c.json({ availability: { userId: id, ...body } });
  });
