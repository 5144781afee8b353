import { asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { pageHosts, schedulingPages, type SchedulingPage } from './schema';
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
