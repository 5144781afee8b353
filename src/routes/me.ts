import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { publicUser } from '../http/session';

export const meRoutes = new Hono<AppEnv>().get('/', (c) => {
  const user = c.get('user');
  return c.json({ user: publicUser(user), permissions: user.permissions });
});
