import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Availability editor (SPEC 9). */
export const appAvailabilityRoutes = new Hono<AppEnv>();
