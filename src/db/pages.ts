import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { pageHosts, schedulingPages, slugHistory, users, type SchedulingPage, type Scope } from './schema';
import { iso } from '../domain/time';
import { userWithinScope, type SessionUser } from '../domain/permissions';
import { usersInScopeCondition } from './scope';

export type PageWithHosts = SchedulingPage & { hosts: { userId: number; weight: number }[] };

/** Pages matching `where` with their hosts, in one round trip. */
export async function loadPages(db: Db, where: SQL): Promise<PageWithHosts[]> {
  const [pages, hosts] = await db.batch([
    db.select().from(schedulingPages).where(where),
    db
      .select()
      .from(pageHosts)
      .where(inArray(pageHosts.pageId, db.select({ id: schedulingPages.id }).from(schedulingPages).where(where)))
      .orderBy(asc(pageHosts.userId)),
  ]);
  return pages.map((p) => ({
    ...p,
    hosts: hosts.filter((h) => h.pageId === p.id).map((h) => ({ userId: h.userId, weight: h.weight })),
  }));
}

/** A host as the app's pages need them: name to show, team for the permission checks. */
export type HostUser = { userId: number; weight: number; name: string; teamId: number | null };
export type PageWithHostUsers = SchedulingPage & { hosts: HostUser[] };

/**
 * A page is visible when one of its hosts is in the caller's view scope. Own: the caller's rows on
 * page_hosts_user_idx; team: the team's users on users_team_idx, then their rows the same way.
 */
export function visiblePagesCondition(db: Db, user: SessionUser): SQL {
  const live = isNull(schedulingPages.deletedAt);
  if (user.permissions.view === 'all') return live;
  const hosts = db.select({ id: users.id }).from(users).where(usersInScopeCondition(user, user.permissions.view));
  return and(live, inArray(schedulingPages.id, db.select({ id: pageHosts.pageId }).from(pageHosts).where(inArray(pageHosts.userId, hosts))))!;
}

/**
 * What `user` may do with a page: see it when one host is in their view scope; edit or delete it
 * only when every host is in that permission's scope (a co-host can't change a colleague's page).
 */
export function pageAccess(user: SessionUser, hosts: { userId: number; teamId: number | null }[]) {
  const all = (scope: Scope | null) => hosts.length > 0 && hosts.every((h) => userWithinScope(user, scope, { id: h.userId, teamId: h.teamId }));
  return {
    view: hosts.some((h) => userWithinScope(user, user.permissions.view, { id: h.userId, teamId: h.teamId })),
    edit: all(user.permissions.edit),
    delete: all(user.permissions.delete),
  };
}

/** The two reads of a page list: the pages, then their hosts with name and team (by primary keys). */
export function pagesWithHostUsersQueries(db: Db, where: SQL | undefined) {
  return [
    db.select().from(schedulingPages).where(where).orderBy(asc(schedulingPages.title), asc(schedulingPages.id)),
    db
      .select({ pageId: pageHosts.pageId, userId: pageHosts.userId, weight: pageHosts.weight, name: users.name, teamId: users.teamId })
      .from(pageHosts)
      .innerJoin(users, eq(users.id, pageHosts.userId))
      .where(where && inArray(pageHosts.pageId, db.select({ id: schedulingPages.id }).from(schedulingPages).where(where)))
      .orderBy(asc(pageHosts.userId)),
  ] as const;
}

/** Pages matching `where` (all pages without one) with their hosts' names and teams, in one round trip. */
export async function loadPagesWithHostUsers(db: Db, where: SQL | undefined): Promise<PageWithHostUsers[]> {
  const [pages, hosts] = await db.batch(pagesWithHostUsersQueries(db, where));
  const byPage = new Map<number, HostUser[]>();
  for (const { pageId, ...h } of hosts) byPage.set(pageId, [...(byPage.get(pageId) ?? []), h]);
  return pages.map((p) => ({ ...p, hosts: byPage.get(p.id) ?? [] }));
}

export const loadPageBySlug = async (db: Db, slug: string) => (await loadPages(db, eq(schedulingPages.slug, slug)))[0];
export const loadPageById = async (db: Db, id: number) => (await loadPages(db, eq(schedulingPages.id, id)))[0];

/** The page object of the HTTP contract. */
export function pageJson(p: PageWithHosts) {
  return {
    id: p.id,
    slug: p.slug,
    title: p.title,
    description: p.description,
    durationMinutes: p.durationMinutes,
    timezone: p.timezone,
    locationType: p.locationType,
    locationValue: p.locationValue,
    strategy: p.strategy,
    groupCapacity: p.groupCapacity,
    hosts: p.hosts.map((h) => ({ userId: h.userId, weight: h.weight })),
    slotIntervalMinutes: p.slotIntervalMinutes,
    minimumNoticeMinutes: p.minimumNoticeMinutes,
    horizonDays: p.horizonDays,
    bufferBeforeMinutes: p.bufferBeforeMinutes,
    bufferAfterMinutes: p.bufferAfterMinutes,
    questions: p.questions,
    briefingEnabled: p.briefingEnabled,
    active: p.active,
    createdAt: iso(p.createdAt),
  };
}

/** What bookers may see of a page. */
export function publicPageJson(p: PageWithHosts) {
  const { slug, title, description, durationMinutes, timezone, locationType, strategy, questions } = p;
  return { slug, title, description, durationMinutes, timezone, locationType, strategy, questions };
}

/** The slug a page has now, when `slug` is one it had before a rename (301 from old links). */
export async function renamedSlug(db: Db, slug: string): Promise<string | undefined> {
  const [row] = await db
    .select({ slug: schedulingPages.slug })
    .from(slugHistory)
    .innerJoin(schedulingPages, eq(schedulingPages.id, slugHistory.pageId))
    .where(and(eq(slugHistory.slug, slug), isNull(schedulingPages.deletedAt)));
  return row?.slug;
}

/** Whether another page holds `slug`, as its slug now or as an old slug that still redirects. */
export async function slugHeldByOther(db: Db, slug: string, pageId?: number): Promise<boolean> {
  const [current, old] = await db.batch([
    db.select({ id: schedulingPages.id }).from(schedulingPages).where(eq(schedulingPages.slug, slug)),
    db.select({ id: slugHistory.pageId }).from(slugHistory).where(eq(slugHistory.slug, slug)),
  ]);
  return [...current, ...old].some((r) => r.id !== pageId);
}

/**
 * The history half of a rename, for the rename's own batch: the old slug now leads to the page,
 * and a slug the page takes back stops being history (it is the page's slug again).
 */
export function slugRenameStatements(db: Db, page: { id: number; slug: string }, newSlug: string, now: number) {
  return [
    db.delete(slugHistory).where(and(eq(slugHistory.slug, newSlug), eq(slugHistory.pageId, page.id))),
    db
      .insert(slugHistory)
      .values({ slug: page.slug, pageId: page.id, createdAt: now })
      .onConflictDoUpdate({ target: slugHistory.slug, set: { pageId: page.id, createdAt: now } }),
  ] as const;
}
