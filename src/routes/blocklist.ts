import { Hono, type MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { forbidden } from '../http/errors';
import { validate } from '../http/validate';
import { blocklistBody, loadBlocklist, replaceBlocklist } from '../services/abuse-blocklist';

/**
 * The blocklist is the organization's, not a scoped resource: only admins read or change it.
 * Everyone else gets 403 (the endpoint's existence is no secret, unlike a booking's).
 */
const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user').role !== 'admin') throw forbidden('Only admins manage the blocklist');
  await next();
};

export const blocklistRoutes = new Hono<AppEnv>()
  .use(adminOnly)
  .get('/', async (c) => c.json(await loadBlocklist(c.env.DB)))
  .put('/', validate('json', blocklistBody), async (c) => {
    await replaceBlocklist(c.env.DB, c.req.valid('json').entries);
    return c.json(await loadBlocklist(c.env.DB));
  });
