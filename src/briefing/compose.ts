/**
 * Composes queued briefings at delivery, so the host reads the CRM as it is when the mail
 * leaves: the linked person's lifecycle stage, recent activities and open opportunities. One
 * statement reads every booking of the batch with its material, each part a correlated
 * subquery on its own index; a second, in the same batch, reads the recipients' scopes. A group
 * occurrence names each current attendee and briefs on the first one's person. The CRM part
 * goes only to a recipient who may see that person (their owner in the recipient's view
 * scope, SPEC 15). A booking that was cancelled or moved after the briefing was queued, or
 * whose meeting has started, gets none.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { personOwner } from '../db/bookings';
import { activities, bookingAttendees, bookings, opportunities, persons, roles, schedulingPages, users } from '../db/schema';
import { personWithinScope } from '../domain/permissions';
import { locationLabel } from '../domain/format';
import { renderBriefing, type RenderedEmail } from '../email/templates';

const RECENT_ACTIVITIES = 5;

type BriefingPerson = { name: string; email: string; lifecycleStage: string };
type BriefingActivity = { summary: string; occurredAt: number };
type BriefingOpportunity = { name: string; stage: string; amount: number };
type BriefingAttendee = { name: string; email: string; createdAt: number; seq: number };

export type ComposedBriefing = { kind: 'ready'; email: RenderedEmail } | { kind: 'skip'; reason: string };
/** A queued briefing: its outbox row, its booking and the host it goes to. */
export type QueuedBriefing = { id: string; bookingId: string; to: string };

/** The briefed person: a group occurrence's first current attendee's, else the booking's. */
const briefedPersonId = sql`COALESCE((SELECT ${bookingAttendees.personId} FROM ${bookingAttendees}
  WHERE ${bookingAttendees.bookingId} = ${bookings.id} AND ${bookingAttendees.status} = 'confirmed'
  ORDER BY ${bookingAttendees.createdAt}, ${bookingAttendees}.rowid LIMIT 1), ${bookings.personId})`;

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
      personName: persons.name,
      personEmail: persons.email,
      lifecycleStage: persons.lifecycleStage,
      ownerId: persons.ownerId,
      ownerTeamId: personOwner.teamId,
      // Sorted by join time in the Worker (an ORDER BY here would sort in a temp table).
      attendees: sql<string>`(SELECT json_group_array(json_object('name', ${bookingAttendees.name}, 'email', ${bookingAttendees.email}, 'createdAt', ${bookingAttendees.createdAt}, 'seq', ${bookingAttendees}.rowid))
        FROM ${bookingAttendees} WHERE ${bookingAttendees.bookingId} = ${bookings.id} AND ${bookingAttendees.status} = 'confirmed')`.as('attendees'),
      activities: sql<string>`(SELECT json_group_array(json_object('summary', recent.summary, 'occurredAt', recent.occurred_at))
        FROM (SELECT ${activities.summary} AS summary, ${activities.occurredAt} AS occurred_at FROM ${activities}
          WHERE ${activities.personId} = ${persons.id} ORDER BY ${activities.occurredAt} DESC LIMIT ${RECENT_ACTIVITIES}) AS recent)`.as('activities'),
      opportunities: sql<string>`(SELECT json_group_array(json_object('name', ${opportunities.name}, 'stage', ${opportunities.stage}, 'amount', ${opportunities.amount}))
        FROM ${opportunities} WHERE ${opportunities.personId} = ${persons.id} AND ${opportunities.status} = 'open')`.as('opportunities'),
    })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .leftJoin(persons, eq(persons.id, briefedPersonId))
    .leftJoin(personOwner, eq(personOwner.id, persons.ownerId))
    // One JSON parameter however many: D1 caps bound parameters per statement.
    .where(inArray(bookings.id, sql`(SELECT value FROM json_each(${JSON.stringify(bookingIds)}))`));
}

/** The recipients as the visibility rule needs them (id, team and view scope) and their language, by email (users_email_unique). */
export function briefingRecipientsQuery(db: Db, emails: string[]) {
  return db
    .select({ email: users.email, id: users.id, teamId: users.teamId, viewScope: roles.viewScope, locale: users.locale })
    .from(users)
    .innerJoin(roles, eq(roles.name, users.role))
    .where(inArray(users.email, sql`(SELECT value FROM json_each(${JSON.stringify(emails)}))`));
}

/** Each queued briefing's mail (or why it is skipped), keyed by its outbox row id. */
export async function composeBriefings(db: Db, queued: QueuedBriefing[], origin: string, now: number): Promise<Map<string, ComposedBriefing>> {
  const out = new Map<string, ComposedBriefing>();
  if (queued.length === 0) return out;
  const [rows, recipients] = await db.batch([
    briefingMaterialQuery(db, [...new Set(queued.map((q) => q.bookingId))]),
    briefingRecipientsQuery(db, [...new Set(queued.map((q) => q.to))]),
  ]);
  const material = new Map(rows.map((r) => [r.id, r]));
  const recipientOf = new Map(recipients.map((r) => [r.email, r]));
  for (const q of queued) {
    const b = material.get(q.bookingId);
    if (!b) {
      out.set(q.id, { kind: 'skip', reason: 'booking not found' });
      continue;
    }
    if (b.status !== 'confirmed') {
      out.set(q.id, { kind: 'skip', reason: `booking ${b.status} before the briefing went out` });
      continue;
    }
    if (b.startAt <= now) {
      out.set(q.id, { kind: 'skip', reason: 'meeting started before the briefing went out' });
      continue;
    }
    const recipient = recipientOf.get(q.to);
    const hasPerson = b.personEmail !== null;
    const crm = !hasPerson || (recipient !== undefined && personWithinScope(recipient, recipient.viewScope, b));
    const attendees = (JSON.parse(b.attendees) as BriefingAttendee[]).sort((x, y) => x.createdAt - y.createdAt || x.seq - y.seq);
    const email = renderBriefing({
      booking: {
        title: b.pageTitle,
        start: b.startAt,
        end: b.endAt,
        timezone: b.timezone,
        bookerName: attendees[0]?.name ?? b.bookerName,
        bookerEmail: attendees[0]?.email ?? b.bookerEmail,
        hostName: '',
        location: `${locationLabel(b.locationType)}${b.locationValue ? `: ${b.locationValue}` : ''}`,
        locationType: b.locationType,
        locationValue: b.locationValue,
        meetingUrl: b.meetingUrl,
      },
      bookingUrl: `${origin}/app/bookings?booking=${encodeURIComponent(b.id)}`,
      attendees: attendees.map(({ name, email: address }) => ({ name, email: address })),
      crm,
      person: hasPerson ? ({ name: b.personName, email: b.personEmail, lifecycleStage: b.lifecycleStage } as BriefingPerson) : null,
      // json_group_array keeps the subquery's order in practice; sorting makes it certain.
      activities: hasPerson ? (JSON.parse(b.activities) as BriefingActivity[]).sort((x, y) => y.occurredAt - x.occurredAt) : [],
      opportunities: hasPerson ? (JSON.parse(b.opportunities) as BriefingOpportunity[]) : [],
    }, recipient?.locale);
    out.set(q.id, { kind: 'ready', email });
  }
  return out;
}
