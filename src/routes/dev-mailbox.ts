import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { isNonProduction, type AppEnv } from '../env';
import { getDb } from '../db/client';
import { outbox } from '../db/schema';

/**
 * Dev/test only: one kept email's HTML part, for the mailbox's sandboxed frame. Its own CSP (set
 * before securityHeaders, which does not overwrite): the inline styles every email carries may
 * apply, nothing may run or load, and only our own pages may frame it.
 */
export const devMailboxRoutes = new Hono<AppEnv>().get('/dev/mailbox/:id{[A-Za-z0-9-]{1,64}}', async (c) => {
  if (!isNonProduction(c.env)) return c.notFound();
  const [row] = await getDb(c.env.DB).select({ html: outbox.html }).from(outbox).where(eq(outbox.id, c.req.param('id')));
  if (!row?.html) return c.notFound();
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox");
  c.header('Cache-Control', 'no-store');
  return c.html(row.html);
});
