/**
 * Composes queued briefings at delivery, so the host reads the CRM as it is when the mail
 * leaves: the linked person's lifecycle stage, recent activities and open opportunities. One
 * statement reads every booking of the batch with its material, each part a correlated
 * subquery on its own index. A booking that was cancelled or moved after the briefing was
 * queued, or whose meeting has started, gets none.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { activities, bookings, opportunities, persons, schedulingPages } from '../db/schema';
import { locationLabel } from '../domain/format';
import { renderBriefing, type RenderedEmail } from '../email/templates';

const RECENT_ACTIVITIES = 5;

type BriefingPerson = { name: string; email: string; lifecycleStage: string };
type BriefingActivity = { summary: string; occurredAt: number };
type BriefingOpportunity = { name: string; stage: string; amount: number };

export type ComposedBriefing = { kind: 'ready'; email: RenderedEmail } | { kind: 'skip'; reason: string };

/** Every booking of the batch with its briefing material: one statement, each part on an index. */
export function briefingMaterialQuery(db: Db, bookingIds: string[]) {
  return db
    .select({
      id: bookings.id,
      status: bookings.status,
      startAt: bookings.startAt,
      endAt: bookings.endAt,
      timezone: bookings.timezone,
      bookerName: bookings.bookerName,
      bookerEmail: bookings.bookerEmail,
      locationType: bookings.locationType,
      locationValue: bookings.locationValue,
      meetingUrl: bookings.meetingUrl,
      pageTitle: schedulingPages.title,
      person: sql<string | null>`(SELECT json_object('name', ${persons.name}, 'email', ${persons.email}, 'lifecycleStage', ${persons.lifecycleStage})
        FROM ${persons} WHERE ${persons.id} = ${bookings.personId})`,
      activities: sql<string>`(SELECT json_group_array(json_object('summary', recent.summary, 'occurredAt', recent.occurred_at))
        FROM (SELECT ${activities.summary} AS summary, ${activities.occurredAt} AS occurred_at FROM ${activities}
          WHERE ${activities.personId} = ${bookings.personId} ORDER BY ${activities.occurredAt} DESC LIMIT ${RECENT_ACTIVITIES}) AS recent)`,
      opportunities: sql<string>`(SELECT json_group_array(json_object('name', ${opportunities.name}, 'stage', ${opportunities.stage}, 'amount', ${opportunities.amount}))
        FROM ${opportunities} WHERE ${opportunities.personId} = ${bookings.personId} AND ${opportunities.status} = 'open')`,
    })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    // One JSON parameter however many: D1 caps bound parameters per statement.
    .where(inArray(bookings.id, sql`(SELECT value FROM json_each(${JSON.stringify(bookingIds)}))`));
}

export async function composeBriefings(db: Db, bookingIds: string[], origin: string, now: number): Promise<Map<string, ComposedBriefing>> {
  const out = new Map<string, ComposedBriefing>();
  if (bookingIds.length === 0) return out;
  const rows = await briefingMaterialQuery(db, bookingIds);
  for (const b of rows) {
    if (b.status !== 'confirmed') {
      out.set(b.id, { kind: 'skip', reason: `booking ${b.status} before the briefing went out` });
      continue;
    }
    if (b.startAt <= now) {
      out.set(b.id, { kind: 'skip', reason: 'meeting started before the briefing went out' });
      continue;
    }
    const email = renderBriefing({
      booking: {
        title: b.pageTitle,
        start: b.startAt,
        end: b.endAt,
        timezone: b.timezone,
        bookerName: b.bookerName,
        bookerEmail: b.bookerEmail,
        hostName: '',
        location: `${locationLabel(b.locationType)}${b.locationValue ? `: ${b.locationValue}` : ''}`,
        meetingUrl: b.meetingUrl,
      },
      bookingUrl: `${origin}/app/bookings?booking=${encodeURIComponent(b.id)}`,
      person: b.person === null ? null : (JSON.parse(b.person) as BriefingPerson),
      // json_group_array keeps the subquery's order in practice; sorting makes it certain.
      activities: (JSON.parse(b.activities) as BriefingActivity[]).sort((x, y) => y.occurredAt - x.occurredAt),
      opportunities: JSON.parse(b.opportunities) as BriefingOpportunity[],
    });
    out.set(b.id, { kind: 'ready', email });
  }
  return out;
}
