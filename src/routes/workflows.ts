import { Hono } from 'hono';
import type { AppEnv } from '../env';

/**
 * Workflows API (SPEC 11): /api/scheduling-pages/:id/workflows, /api/workflows/:id and
 * /api/bookings/:id/messages. Mounted at /api behind requireUser.
 */
export const workflowRoutes = new Hono<AppEnv>();
