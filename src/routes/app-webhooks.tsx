import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** /app/webhooks: endpoints, their secrets and delivery logs (SPEC 12). */
export const appWebhookRoutes = new Hono<AppEnv>();
