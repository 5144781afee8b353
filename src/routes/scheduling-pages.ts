import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { schedulingPages } from '../db/schema';
import { loadPageById, loadPagesWithHostUsers, pageJson, visiblePagesCondition } from '../db/pages';
import { authorizePage, createPage, createSchema, patchSchema, updatePage } from '../services/scheduling-pages';
import { idParam } from '../http/schemas';
import { validate } from '../http/validate';

export const pageRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const db = getDb(c.env.DB);
    const pages = await loadPagesWithHostUsers(db, visiblePagesCondition(db, c.get('user')));
    return c.json({ pages: pages.map(pageJson) });
  })
  .post('/', validate('json', createSchema), async (c) => {
    const page = await createPage(getDb(c.env.DB), c.get('user'), c.get('now'), c.req.valid('json'));
    return c.json({ page: pageJson(page) }, 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    return c.json({ page: pageJson(await authorizePage(getDb(c.env.DB), c.get('user'), c.req.valid('param').id, 'view')) });
  })
  .patch('/:id', validate('param', idParam), validate('json', patchSchema), async (c) => {
    const db = getDb(c.env.DB);
    const page = await authorizePage(db, c.get('user'), c.req.valid('param').id, 'edit');
    return c.json({ page: pageJson(await updatePage(db, c.get('user'), c.get('now'), page, c.req.valid('json'))) });
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    const db = getDb(c.env.DB);
    const page = await authorizePage(db, c.get('user'), c.req.valid('param').id, 'delete');
    // Bookings keep pointing at their page, so the row stays: inactive (the public page is gone) and
    // marked deleted (gone from every list and from this API).
    await db.update(schedulingPages).set({ active: false, deletedAt: c.get('now').getTime() }).where(eq(schedulingPages.id, page.id));
    return c.json({ page: pageJson((await loadPageById(db, page.id))!) });
  });
