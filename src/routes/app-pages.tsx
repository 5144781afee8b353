import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Scheduling pages list and editor (SPEC 9). */
export const appPageRoutes = new Hono<AppEnv>();
