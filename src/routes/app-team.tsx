import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** Team admin and /set-password/:token (SPEC 9). */
export const appTeamRoutes = new Hono<AppEnv>();
