import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { ApiError, validationFailed, type ErrorCode, type Issue } from '../http/errors';
import { validate } from '../http/validate';
import { textIdParam } from '../http/schemas';
import {
  createWebhook,
  deleteWebhook,
  deliveriesQuery,
  listDeliveries,
  listWebhooks,
  replayDelivery,
  rotateSecret,
  sendTest,
  updateWebhook,
  type SendContext,
} from '../services/webhooks';

/** A JSON body (its rules are checked by the use case: the URL rule depends on the environment). */
async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw validationFailed([{ path: [], message: 'The body must be JSON' }]);
  }
}

const orThrow = <T extends { ok: boolean }>(result: T | { ok: false; code: ErrorCode; message: string; issues?: Issue[] }): Extract<T, { ok: true }> => {
  if (!result.ok) {
    const failure = result as { code: ErrorCode; message: string; issues?: Issue[] };
    throw new ApiError(failure.code, failure.message, failure.issues);
  }
  return result as Extract<T, { ok: true }>;
};

const sendContext = (c: Context<AppEnv>): SendContext => ({
  now: c.get('now').getTime(),
  waitUntil: (p) => {
    try {
      c.executionCtx.waitUntil(p);
    } catch {
      // No execution context (app.request in a unit test): the promise still runs.
    }
  },
});

/** Webhooks API (SPEC 12): /api/webhooks… and /api/webhook-deliveries/:id/replay. Mounted at /api behind requireUser. */
export const webhookRoutes = new Hono<AppEnv>()
  .get('/webhooks', async (c) => c.json({ webhooks: await listWebhooks(c.env, c.get('user')) }))
  .post('/webhooks', async (c) => {
    const { webhook, secret } = orThrow(await createWebhook(c.env, c.get('user'), await jsonBody(c), c.get('now').getTime()));
    return c.json({ webhook, secret }, 201);
  })
  .patch('/webhooks/:id', validate('param', textIdParam), async (c) => {
    const { webhook } = orThrow(await updateWebhook(c.env, c.get('user'), c.req.valid('param').id, await jsonBody(c), c.get('now').getTime()));
    return c.json({ webhook });
  })
  .delete('/webhooks/:id', validate('param', textIdParam), async (c) => {
    orThrow(await deleteWebhook(c.env, c.get('user'), c.req.valid('param').id, c.get('now').getTime()));
    return c.json({});
  })
  .post('/webhooks/:id/rotate-secret', validate('param', textIdParam), async (c) => {
    const { secret } = orThrow(await rotateSecret(c.env, c.get('user'), c.req.valid('param').id, c.get('now').getTime()));
    return c.json({ secret });
  })
  .post('/webhooks/:id/test', validate('param', textIdParam), async (c) => {
    const { deliveryId } = orThrow(await sendTest(c.env, c.get('user'), c.req.valid('param').id, sendContext(c)));
    return c.json({ deliveryId }, 202);
  })
  .get('/webhooks/:id/deliveries', validate('param', textIdParam), validate('query', deliveriesQuery), async (c) => {
    const { deliveries, nextCursor } = orThrow(await listDeliveries(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('query')));
    return c.json({ deliveries, nextCursor });
  })
  .post('/webhook-deliveries/:id/replay', validate('param', textIdParam), async (c) => {
    orThrow(await replayDelivery(c.env, c.get('user'), c.req.valid('param').id, sendContext(c)));
    return c.json({}, 202);
  });
