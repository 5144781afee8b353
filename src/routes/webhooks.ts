import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Webhooks API (SPEC 12): /api/webhooks… and /api/webhook-deliveries/:id/replay. Mounted at /api behind requireUser. */
export const webhookRoutes = new Hono<AppEnv>();
