/**
 * Creating and changing scheduling pages: the rules that span fields, hosts within the caller's
 * edit scope, and each change with its follow-ups in one batch. The JSON API and the editor's
 * form (without JavaScript) both come through here.
 */
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { LOCATION_TYPES, STRATEGIES, bookings, pageHosts, schedulingPages, users } from '../db/schema';
import { loadPageById, loadPagesWithHostUsers, pageAccess, slugHeldByOther, slugRenameStatements, type PageWithHosts } from '../db/pages';
import { userWithinScope, type Permission, type SessionUser } from '../domain/permissions';
import { ApiError, forbidden, notFound, validationFailed, type Issue } from '../http/errors';
import { rebufferClaimStatements } from '../db/availability';
import { timeZone, typedText } from '../http/schemas';
import { defaultWorkflowsInsert } from '../workflows/defaults';

const question = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/i),
  label: typedText(200),
  type: z.enum(['text', 'textarea', 'select', 'checkbox']),
  required: z.boolean().default(false),
  options: z.array(typedText(100)).min(1).max(50).optional(),
});

const pageFields = {
  slug: z.string().regex(/^[a-z0-9-]{3,64}$/, 'Use 3–64 lowercase letters, digits and dashes'),
  title: typedText(200),
  description: typedText(5000, { multiline: true, optional: true }),
  durationMinutes: z.number().int().min(5).max(720),
  timezone: timeZone,
  locationType: z.enum(LOCATION_TYPES),
  locationValue: typedText(500, { optional: true }).nullable(),
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

export const createSchema = z.strictObject({
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
export const patchSchema = z.strictObject(pageFields).partial();

export type PageInput = z.infer<typeof createSchema>;
export type PagePatch = z.infer<typeof patchSchema>;

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

/**
 * Hosts must be users within the caller's edit scope (a rep hosts only their own pages). An
 * unknown id and a user out of scope get the same answer, so ids reveal nothing about who exists.
 */
async function checkHosts(db: Db, user: SessionUser, hostIds: number[]) {
  if (!user.permissions.edit) throw forbidden();
  const rows = await db.select().from(users).where(inArray(users.id, hostIds));
  const issues: Issue[] = hostIds.flatMap((id, i) => {
    const row = rows.find((r) => r.id === id);
    return row && userWithinScope(user, user.permissions.edit, row) ? [] : [{ path: ['hosts', i, 'userId'], message: 'Pick a host within your edit scope' }];
  });
  if (issues.length) throw validationFailed(issues);
}

const SLUG_TAKEN = () => validationFailed([{ path: ['slug'], message: 'That slug is taken' }]);

/** The page writes' batch; a slug taken meanwhile (unique index, old-slug trigger) is a 400, not a 500. */
async function commitPage<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (message.includes('slug_taken') || message.includes('scheduling_pages.slug')) throw SLUG_TAKEN();
    if (message.includes('already_booked')) throw new ApiError('already_booked', 'New buffers would overlap time already booked');
    throw error;
  }
}

/** Outside the view scope (no host in it) → 404; visible without the permission on every host → 403. */
export async function authorizePage(db: Db, user: SessionUser, id: number, permission: Permission): Promise<PageWithHosts> {
  const [page] = await loadPagesWithHostUsers(db, eq(schedulingPages.id, id));
  const access = page && pageAccess(user, page.hosts);
  if (!page || page.deletedAt !== null || !access.view) throw notFound('Page not found');
  if (!access[permission]) throw forbidden();
  return page;
}

/** A new page and its hosts, in one batch; the caller becomes its owner. */
export async function createPage(db: Db, user: SessionUser, now: Date, body: PageInput): Promise<PageWithHosts> {
  const issues = pageIssues(body);
  if (issues.length) throw validationFailed(issues);
  await checkHosts(db, user, body.hosts.map((h) => h.userId));
  if (await slugHeldByOther(db, body.slug)) throw SLUG_TAKEN();
  const { hosts, ...fields } = body;
  // The page and its hosts in one batch: the hosts find the new page by its (unique) slug.
  const pageId = sql<number>`(SELECT ${schedulingPages.id} FROM ${schedulingPages} WHERE ${schedulingPages.slug} = ${body.slug})`;
  const [[created]] = await commitPage(() =>
    db.batch([
      db
        .insert(schedulingPages)
        .values({
          ...fields,
          locationValue: fields.locationValue || null,
          groupCapacity: fields.groupCapacity ?? null,
          slotIntervalMinutes: fields.slotIntervalMinutes ?? fields.durationMinutes,
          ownerId: user.id,
          createdAt: now.getTime(),
        })
        .returning({ id: schedulingPages.id }),
      db.insert(pageHosts).values(hosts.map((h) => ({ pageId, userId: h.userId, weight: h.weight }))),
      defaultWorkflowsInsert(db, pageId, now.getTime()),
    ]),
  );
  return (await loadPageById(db, created.id))!;
}

/** A partial change to `page` (already authorized for edit), with its follow-ups in the same batch. */
export async function updatePage(db: Db, user: SessionUser, now: Date, page: PageWithHosts, patch: PagePatch): Promise<PageWithHosts> {
  const merged = { ...page, ...patch };
  const issues = pageIssues(merged as PageInput);
  if (issues.length) throw validationFailed(issues);
  if (patch.hosts) await checkHosts(db, user, patch.hosts.map((h) => h.userId));
  const renamed = patch.slug !== undefined && patch.slug !== page.slug;
  if (renamed && (await slugHeldByOther(db, patch.slug!, page.id))) throw SLUG_TAKEN();
  const { hosts, ...fields } = patch;
  // An empty PATCH is a valid no-op.
  if (Object.keys(fields).length === 0 && !hosts) return page;
  const at = now.getTime();
  // Applied even when unchanged: it also mends occurrences frozen at an older capacity. Only a
  // page that already was a group page has occurrences; one-on-one bookings stay one-on-one.
  const capacity = page.strategy === 'group' ? (patch.groupCapacity ?? null) : null;
  // Buffers belong to the bookings too: the upcoming ones' claims are re-padded in the same
  // batch, and the overlap trigger refuses the change (409) if they would reach booked time.
  const rebuffer = merged.bufferBeforeMinutes !== page.bufferBeforeMinutes || merged.bufferAfterMinutes !== page.bufferAfterMinutes;
  await commitPage(() =>
    db.batch([
      Object.keys(fields).length
        ? db.update(schedulingPages).set({ ...fields, ...(fields.locationValue === '' ? { locationValue: null } : {}) }).where(eq(schedulingPages.id, page.id))
        : db.select().from(schedulingPages).where(eq(schedulingPages.id, page.id)),
      // Old links keep working: the old slug redirects to this page (written with the rename).
      ...(renamed ? slugRenameStatements(db, page, patch.slug!, at) : []),
      // A capacity change applies to the upcoming occurrences at once, never below the seats
      // taken; a seat joining meanwhile is held to the new capacity by the CHECK.
      ...(capacity !== null
        ? [
            db
              .update(bookings)
              .set({ capacity: sql`MAX(${capacity}, ${bookings.attendeeCount})`, updatedAt: at })
              .where(and(eq(bookings.pageId, page.id), gt(bookings.startAt, at), eq(bookings.status, 'confirmed'))),
          ]
        : []),
      ...(rebuffer ? rebufferClaimStatements(db, page.id, merged, at) : []),
      ...(hosts
        ? [
            db.delete(pageHosts).where(eq(pageHosts.pageId, page.id)),
            db.insert(pageHosts).values(hosts.map((h) => ({ pageId: page.id, userId: h.userId, weight: h.weight }))),
          ]
        : []),
    ]),
  );
  return (await loadPageById(db, page.id))!;
}
