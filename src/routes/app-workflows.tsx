import { Hono } from 'hono';
import type { AppEnv } from '../env';

/** /app/workflows: a page's workflows, listed and edited (SPEC 11). */
export const appWorkflowRoutes = new Hono<AppEnv>();
