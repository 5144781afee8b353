/**
 * Dev/test only: a host's Durable Object as the stress suite checks it — its view of the held
 * meetings beside D1's, and a reset as on a deploy (the object's memory goes with it).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { isNonProduction, type AppEnv } from '../env';
import { getDb } from '../db/client';
import { hostSchedule } from '../host-schedule';
import { heldQuery } from '../services/reservations/claims';
import { notFound } from '../http/errors';
import { validate } from '../http/validate';

const hostParam = z.strictObject({ hostId: z.coerce.number().int().positive() });
const windowQuery = z.strictObject({ from: z.coerce.number().int(), to: z.coerce.number().int() });

export const devHostScheduleRoutes = new Hono<AppEnv>()
  .use('/dev/host-schedule/*', async (c, next) => {
    if (!isNonProduction(c.env)) throw notFound('Not found');
    await next();
  })
  .get('/dev/host-schedule/:hostId', validate('param', hostParam), validate('query', windowQuery), async (c) => {
    const { hostId } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    const window = { start: from, end: to };
    const object = await hostSchedule(c.env, hostId).heldBetween(window);
    const rows = await heldQuery(getDb(c.env.DB), [hostId], window);
    const d1 = rows
      .filter((r) => r.start < to && from < r.end)
      .map(({ bookingId, start, end }) => ({ bookingId, start, end }))
      .sort((a, b) => a.start - b.start || (a.bookingId < b.bookingId ? -1 : 1));
    return c.json({ covered: object.covered, object: object.held, d1 });
  })
  .post('/dev/host-schedule/:hostId/reset', validate('param', hostParam), async (c) => {
    // abort() rejects the call that made it: the object is gone either way.
    await hostSchedule(c.env, c.req.valid('param').hostId).reset().catch(() => undefined);
    return c.json({ reset: true });
  });
