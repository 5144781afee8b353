import { Hono, type Context } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb, type Db } from '../db/client';
import { loadAvailabilityRows } from '../db/availability';
import { availabilityOverrides, availabilityRules, users } from '../db/schema';
import { parseClock } from '../domain/time';
import { forbidden, notFound } from '../http/errors';
import { clock, idParam, localDate, timeZone } from '../http/schemas';
import { validate } from '../http/validate';
import { availabilityAccess, availabilityJson } from '../services/availability';

type Range = { start?: string; end?: string };
type Ctx = z.RefinementCtx;

/** Ranges that start before an earlier one (by start) ends: each is an issue at its own index. */
function refuseOverlaps(ctx: Ctx, list: string, groups: Map<string | number, { i: number; r: Required<Range> }[]>, what: string) {
  for (const ranges of groups.values()) {
    const sorted = [...ranges].sort((a, b) => parseClock(a.r.start) - parseClock(b.r.start) || a.i - b.i);
    for (let k = 1; k < sorted.length; k++) {
      if (parseClock(sorted[k].r.start) < parseClock(sorted[k - 1].r.end)) {
        ctx.addIssue({ code: 'custom', path: [list, sorted[k].i, 'start'], message: `Overlaps another range on ${what}` });
      }
    }
  }
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);

export const availabilitySchema = z
  .strictObject({
    timezone: timeZone,
    weekly: z
      .array(z.strictObject({ day: z.number().int().min(0).max(6), start: clock, end: clock }))
      .max(70),
    // A date is either a day off (one `unavailable` entry) or its own ranges (one entry each).
    overrides: z
      .array(
        z.strictObject({
          date: localDate,
          start: clock.optional(),
          end: clock.optional(),
          unavailable: z.boolean().optional(),
        }),
      )
      .max(500)
      .default([]),
  })
  .superRefine((value, ctx) => {
    const days = new Map<number, { i: number; r: Required<Range> }[]>();
    value.weekly.forEach((w, i) => {
      if (parseClock(w.start) >= parseClock(w.end)) {
        ctx.addIssue({ code: 'custom', path: ['weekly', i, 'end'], message: 'End must be after start' });
      } else push(days, w.day, { i, r: w });
    });
    refuseOverlaps(ctx, 'weekly', days, 'this day');

    const dates = new Map<string, { i: number; r: Required<Range> }[]>();
    const daysOff = new Map<string, number>();
    value.overrides.forEach((o, i) => {
      if (o.unavailable) {
        if (o.start || o.end) ctx.addIssue({ code: 'custom', path: ['overrides', i], message: 'A day off has no hours' });
        else if (daysOff.has(o.date)) ctx.addIssue({ code: 'custom', path: ['overrides', i, 'date'], message: 'This date is already a day off' });
        else daysOff.set(o.date, i);
      } else if (!o.start || !o.end) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i, o.start ? 'end' : 'start'], message: 'Give start and end, or unavailable: true' });
      } else if (parseClock(o.start) >= parseClock(o.end)) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i, 'end'], message: 'End must be after start' });
      } else push(dates, o.date, { i, r: { start: o.start, end: o.end } });
    });
    for (const [date, ranges] of dates) {
      if (daysOff.has(date)) {
        ctx.addIssue({ code: 'custom', path: ['overrides', ranges[0].i, 'date'], message: 'This date is marked unavailable: it cannot have hours too' });
      }
    }
    refuseOverlaps(ctx, 'overrides', dates, 'this date');
  });

/** The target user and what the actor may do with their availability; 404 outside view scope. */
async function target(c: Context<AppEnv>, db: Db, id: number) {
  const [user] = await db.select({ id: users.id, teamId: users.teamId, timezone: users.timezone }).from(users).where(eq(users.id, id)).limit(1);
  const access = user ? availabilityAccess(c.get('user'), user) : null;
  if (!user || !access) throw notFound('User not found');
  return { user, access };
}

/** A user's weekly hours and date overrides, under `/api/users/:id/availability` (SPEC 6, 9). */
export const availabilityRoutes = new Hono<AppEnv>()
  .get('/:id/availability', validate('param', idParam), async (c) => {
    const db = getDb(c.env.DB);
    const { user } = await target(c, db, c.req.valid('param').id);
    return c.json(availabilityJson(user.timezone, await loadAvailabilityRows(db, user.id)));
  })
  .put('/:id/availability', validate('param', idParam), validate('json', availabilitySchema), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const db = getDb(c.env.DB);
    if ((await target(c, db, id)).access !== 'edit') throw forbidden();

    const rows = {
      weekly: body.weekly.map((w) => ({ day: w.day, startMinute: parseClock(w.start), endMinute: parseClock(w.end) })),
      overrides: body.overrides.map((o) => ({
        date: o.date,
        unavailable: o.unavailable ?? false,
        startMinute: o.unavailable ? null : parseClock(o.start!),
        endMinute: o.unavailable ? null : parseClock(o.end!),
      })),
    };
    // Replaced as a whole, in one batch: the slot engine never sees half an edit.
    await db.batch([
      db.update(users).set({ timezone: body.timezone }).where(eq(users.id, id)),
      db.delete(availabilityRules).where(eq(availabilityRules.userId, id)),
      db.delete(availabilityOverrides).where(eq(availabilityOverrides.userId, id)),
      ...rows.weekly.map((w) => db.insert(availabilityRules).values({ userId: id, ...w })),
      ...rows.overrides.map((o) => db.insert(availabilityOverrides).values({ userId: id, ...o })),
    ]);
    return c.json({ availability: { userId: id, ...availabilityJson(body.timezone, rows) } });
  });
