import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { pageHosts, schedulingPages, slugHistory, type SchedulingPage } from './schema';
import { iso } from '../domain/time';

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
    hosts: p.hosts,
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
    .where(eq(slugHistory.slug, slug));
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
