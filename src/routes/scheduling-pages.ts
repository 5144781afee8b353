import { Hono, type Context } from 'hono';
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { LOCATION_TYPES, STRATEGIES, pageHosts, schedulingPages, users } from '../db/schema';
import { loadPageById, pageJson, type PageWithHosts } from '../db/pages';
import { userWithinScope, type Permission } from '../domain/permissions';
import { forbidden, notFound, validationFailed, type Issue } from '../http/errors';
import { idParam, timeZone } from '../http/schemas';
import { validate } from '../http/validate';

const question = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/i),
  label: z.string().trim().min(1).max(200),
  type: z.enum(['text', 'textarea', 'select', 'checkbox']),
  required: z.boolean().default(false),
  options: z.array(z.string().trim().min(1).max(100)).min(1).max(50).optional(),
});

const pageFields = {
  slug: z.string().regex(/^[a-z0-9-]{3,64}$/, 'Use 3–64 lowercase letters, digits and dashes'),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  durationMinutes: z.number().int().min(5).max(720),
  timezone: timeZone,
  locationType: z.enum(LOCATION_TYPES),
  locationValue: z.string().trim().max(500).nullable(),
  strategy: z.enum(STRATEGIES),
  groupCapacity: z.number().int().min(2).max(1000).nullable(),
  hosts: z
    .array(z.strictObject({ userId: z.number().int().positive(), weight: z.number().int().min(1).max(100).default(1) }))
    .min(1)
    .max(20),
  slotIntervalMinutes: z.number().int().min(5).max(720),
  minimumNoticeMinutes: z.number().int().min(0).max(60 * 24 * 90),
  horizonDays: z.number().int().min(1).max(730),
  bufferBeforeMinutes: z.number().int().min(0).max(240),
  bufferAfterMinutes: z.number().int().min(0).max(240),
  questions: z.array(question).max(20),
  briefingEnabled: z.boolean(),
  active: z.boolean(),
};

const createSchema = z.strictObject({
  ...pageFields,
  description: pageFields.description.default(''),
  locationValue: pageFields.locationValue.optional(),
  groupCapacity: pageFields.groupCapacity.optional(),
  slotIntervalMinutes: pageFields.slotIntervalMinutes.optional(),
  minimumNoticeMinutes: pageFields.minimumNoticeMinutes.default(0),
  horizonDays: pageFields.horizonDays.default(60),
  bufferBeforeMinutes: pageFields.bufferBeforeMinutes.default(0),
  bufferAfterMinutes: pageFields.bufferAfterMinutes.default(0),
  questions: pageFields.questions.default([]),
  briefingEnabled: pageFields.briefingEnabled.default(true),
  active: pageFields.active.default(true),
});
const patchSchema = z.strictObject(pageFields).partial();

type PageInput = z.infer<typeof createSchema>;

/** Rules that span fields: strategy ↔ hosts ↔ capacity, location values, question options. */
function pageIssues(p: Omit<PageInput, 'slotIntervalMinutes'>): Issue[] {
  const issues: Issue[] = [];
  const hostIds = p.hosts.map((h) => h.userId);
  if (new Set(hostIds).size !== hostIds.length) issues.push({ path: ['hosts'], message: 'Each host once' });
  if ((p.strategy === 'individual' || p.strategy === 'group') && hostIds.length !== 1) {
    issues.push({ path: ['hosts'], message: `A ${p.strategy} page has exactly one host` });
  }
  if ((p.strategy === 'round_robin' || p.strategy === 'collective') && hostIds.length < 2) {
    issues.push({ path: ['hosts'], message: 'Round robin and collective pages need at least two hosts' });
  }
  if (p.strategy === 'group' && !(p.groupCapacity && p.groupCapacity > 1)) {
    issues.push({ path: ['groupCapacity'], message: 'A group page needs a capacity above 1' });
  }
  if (p.strategy !== 'group' && p.groupCapacity != null) {
    issues.push({ path: ['groupCapacity'], message: 'Only group pages have a capacity' });
  }
  if (p.locationType !== 'google_meet' && !p.locationValue) {
    issues.push({ path: ['locationValue'], message: 'This location type needs a value' });
  }
  const ids = p.questions.map((q) => q.id);
  if (new Set(ids).size !== ids.length) issues.push({ path: ['questions'], message: 'Question ids must be unique' });
  p.questions.forEach((q, i) => {
    if ((q.type === 'select') !== !!q.options) issues.push({ path: ['questions', i, 'options'], message: 'Options go with select questions only' });
  });
  return issues;
}

/** Hosts must exist and be within the caller's edit scope (a rep hosts only their own pages). */
async function checkHosts(c: Context<AppEnv>, hostIds: number[]) {
  const rows = await getDb(c.env.DB).select().from(users).where(inArray(users.id, hostIds));
  const issues: Issue[] = hostIds.filter((id) => !rows.some((r) => r.id === id)).map((id) => ({ path: ['hosts'], message: `No user ${id}` }));
  if (issues.length) throw validationFailed(issues);
  const user = c.get('user');
  if (!rows.every((r) => userWithinScope(user, user.permissions.edit, r))) throw forbidden('You can only add hosts within your edit scope');
}

async function authorizePage(c: Context<AppEnv>, id: number, permission: Permission): Promise<PageWithHosts> {
  const db = getDb(c.env.DB);
  const page = await loadPageById(db, id);
  const user = c.get('user');
  if (!page) throw notFound('Page not found');
  const hosts = await db.select().from(users).where(inArray(users.id, page.hosts.map((h) => h.userId)));
  if (!hosts.some((h) => userWithinScope(user, user.permissions.view, h))) throw notFound('Page not found');
  if (!hosts.every((h) => userWithinScope(user, user.permissions[permission], h))) throw forbidden();
  return page;
}

async function slugTaken(c: Context<AppEnv>, slug: string, exceptId?: number) {
  const [row] = await getDb(c.env.DB).select({ id: schedulingPages.id }).from(schedulingPages).where(eq(schedulingPages.slug, slug));
  return row !== undefined && row.id !== exceptId;
}

export const pageRoutes = new Hono<AppEnv>()
  .post('/', validate('json', createSchema), async (c) => {
    const body = c.req.valid('json');
    const issues = pageIssues(body);
    if (issues.length) throw validationFailed(issues);
    await checkHosts(c, body.hosts.map((h) => h.userId));
    if (await slugTaken(c, body.slug)) throw validationFailed([{ path: ['slug'], message: 'That slug is taken' }]);
    const db = getDb(c.env.DB);
    const { hosts, ...fields } = body;
    const [created] = await db
      .insert(schedulingPages)
      .values({
        ...fields,
        locationValue: fields.locationValue ?? null,
        groupCapacity: fields.groupCapacity ?? null,
        slotIntervalMinutes: fields.slotIntervalMinutes ?? fields.durationMinutes,
        ownerId: c.get('user').id,
        createdAt: c.get('now').getTime(),
      })
      .returning({ id: schedulingPages.id });
    await db.insert(pageHosts).values(hosts.map((h) => ({ pageId: created.id, userId: h.userId, weight: h.weight })));
    return c.json({ page: pageJson((await loadPageById(db, created.id))!) }, 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    return c.json({ page: pageJson(await authorizePage(c, c.req.valid('param').id, 'view')) });
  })
  .patch('/:id', validate('param', idParam), validate('json', patchSchema), async (c) => {
    const page = await authorizePage(c, c.req.valid('param').id, 'edit');
    const patch = c.req.valid('json');
    const merged = { ...page, ...patch };
    const issues = pageIssues(merged as PageInput);
    if (issues.length) throw validationFailed(issues);
    if (patch.hosts) await checkHosts(c, patch.hosts.map((h) => h.userId));
    if (patch.slug && (await slugTaken(c, patch.slug, page.id))) throw validationFailed([{ path: ['slug'], message: 'That slug is taken' }]);
    const db = getDb(c.env.DB);
    const { hosts, ...fields } = patch;
    // An empty PATCH is a valid no-op.
    if (Object.keys(fields).length === 0 && !hosts) return c.json({ page: pageJson(page) });
    await db.batch([
      Object.keys(fields).length ? db.update(schedulingPages).set(fields).where(eq(schedulingPages.id, page.id)) : db.select().from(schedulingPages).where(eq(schedulingPages.id, page.id)),
      ...(hosts
        ? [
            db.delete(pageHosts).where(eq(pageHosts.pageId, page.id)),
            db.insert(pageHosts).values(hosts.map((h) => ({ pageId: page.id, userId: h.userId, weight: h.weight }))),
          ]
        : []),
    ]);
    return c.json({ page: pageJson((await loadPageById(db, page.id))!) });
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    const page = await authorizePage(c, c.req.valid('param').id, 'delete');
    // Bookings keep pointing at their page, so deleting deactivates: the public page is gone.
    const db = getDb(c.env.DB);
    await db.update(schedulingPages).set({ active: false }).where(eq(schedulingPages.id, page.id));
    return c.json({ page: pageJson((await loadPageById(db, page.id))!) });
  });
