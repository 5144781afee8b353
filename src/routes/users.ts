import { Hono } from 'hono';
import { asc } from 'drizzle-orm';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { users } from '../db/schema';
import { publicUser } from '../http/session';
import { visibleUsersCondition } from '../db/scope';

export const userRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const rows = await getDb(c.env.DB).select().from(users).where(visibleUsersCondition(c.get('user'))).orderBy(asc(users.id));
    return c.json({ users: rows.map(publicUser) });
  });
