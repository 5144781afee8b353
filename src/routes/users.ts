import { Hono, type MiddlewareHandler } from 'hono';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { users } from '../db/schema';
import { publicUser } from '../http/session';
import { visibleUsersCondition } from '../db/scope';
import { ApiError, forbidden } from '../http/errors';
import { idParam, timeZone, typedText } from '../http/schemas';
import { validate } from '../http/validate';
import { LOCALES } from '../domain/locales';
import { deliverSoon, inviteUser, resendInvite, updateUser, type TeamResult } from '../services/team';

const teamId = z.number().int().positive().max(2 ** 31).nullable();
const role = z.string().min(1).max(64);

export const inviteSchema = z.strictObject({
  name: typedText(100),
  email: z.email('Enter an email address').max(254),
  teamId,
  role,
  timezone: timeZone.optional(),
  locale: z.enum(LOCALES).optional(),
});

export const userPatchSchema = z.strictObject({
  teamId: teamId.optional(),
  role: role.optional(),
  name: typedText(100).optional(),
  timezone: timeZone.optional(),
  locale: z.enum(LOCALES).optional(),
});

const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user').role !== 'admin') throw forbidden('Only admins invite users');
  await next();
};

const STATUS_CODES = { 400: 'validation_failed', 403: 'forbidden', 404: 'not_found', 409: 'invalid_state' } as const;

/** The service's answer as the API's: the user, or the envelope. */
function answer(result: TeamResult) {
  if (!result.ok) throw new ApiError(STATUS_CODES[result.status], result.message, result.issues);
  return { user: publicUser(result.user) };
}

export const userRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const rows = await getDb(c.env.DB).select().from(users).where(visibleUsersCondition(c.get('user'))).orderBy(asc(users.id));
    return c.json({ users: rows.map(publicUser) });
  })
  .post('/', adminOnly, validate('json', inviteSchema), async (c) => {
    const now = c.get('now').getTime();
    const result = await inviteUser(c.env, c.get('user'), c.req.valid('json'), now);
    const body = answer(result);
    if (result.ok) deliverSoon(c.env, (p) => c.executionCtx.waitUntil(p), result.outboxIds, now);
    return c.json(body, 201);
  })
  // A new set-password link for a user who never used theirs (older links die).
  .post('/:id/invite', adminOnly, validate('param', idParam), async (c) => {
    const now = c.get('now').getTime();
    const result = await resendInvite(c.env, c.get('user'), c.req.valid('param').id, now);
    const body = answer(result);
    if (result.ok) deliverSoon(c.env, (p) => c.executionCtx.waitUntil(p), result.outboxIds, now);
    return c.json(body);
  })
  .patch('/:id', validate('param', idParam), validate('json', userPatchSchema), async (c) => {
    return c.json(answer(await updateUser(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json'))));
  });
