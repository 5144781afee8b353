import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { idParam, textIdParam } from '../http/schemas';
import { validate } from '../http/validate';
import { forbidden, notFound, validationFailed, type Issue } from '../http/errors';
import { bookingMessages, createWorkflow, deleteWorkflow, listPageWorkflows, updateWorkflow, workflowBody, workflowPatch } from '../services/workflows';

/**
 * Workflows API (SPEC 11): /api/scheduling-pages/:id/workflows, /api/workflows/:id and
 * /api/bookings/:id/messages. Mounted at /api behind requireUser. The rules live in
 * services/workflows.ts; here results become answers.
 */
type Failure = { ok: false; code: 'not_found' | 'forbidden' | 'validation_failed'; issues?: Issue[] };
const refuse = (r: Failure): never => {
  if (r.code === 'validation_failed') throw validationFailed(r.issues ?? []);
  throw r.code === 'forbidden' ? forbidden() : notFound(r.code === 'not_found' ? 'Not found' : undefined);
};

export const workflowRoutes = new Hono<AppEnv>()
  .get('/scheduling-pages/:id/workflows', validate('param', idParam), async (c) => {
    const r = await listPageWorkflows(c.env, c.get('user'), c.req.valid('param').id);
    return r.ok ? c.json({ workflows: r.workflows }) : refuse(r);
  })
  .post('/scheduling-pages/:id/workflows', validate('param', idParam), validate('json', workflowBody), async (c) => {
    const r = await createWorkflow(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json'), c.get('now').getTime());
    return r.ok ? c.json({ workflow: r.workflow }, 201) : refuse(r);
  })
  .patch('/workflows/:id', validate('param', idParam), validate('json', workflowPatch), async (c) => {
    const r = await updateWorkflow(c.env, c.get('user'), c.req.valid('param').id, c.req.valid('json'), c.get('now').getTime());
    return r.ok ? c.json({ workflow: r.workflow }) : refuse(r);
  })
  .delete('/workflows/:id', validate('param', idParam), async (c) => {
    const r = await deleteWorkflow(c.env, c.get('user'), c.req.valid('param').id, c.get('now').getTime());
    return r.ok ? c.json({ ok: true }) : refuse(r);
  })
  .get('/bookings/:id/messages', validate('param', textIdParam), async (c) => {
    const r = await bookingMessages(c.env, c.get('user'), c.req.valid('param').id);
    return r.ok ? c.json({ messages: r.messages }) : refuse(r);
  });
