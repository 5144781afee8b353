/**
 * Pre-meeting briefings. The sweep takes the scheduled event's time as now and briefs the
 * hosts of confirmed bookings with now < start ≤ now + 60 min that were made at least an hour
 * ahead, on pages with briefings on. Each booking's outbox rows and its briefing_sent_at are
 * written in one batch, and the insert only fires while briefing_sent_at is still empty, so
 * overlapping sweeps never brief twice.
 */
import { and, desc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { chunked, d1Statement } from '../db/batch';
import { activities, bookingHosts, bookings, opportunities, persons, schedulingPages, users } from '../db/schema';
import { renderBriefing } from '../email/templates';
import { locationLabel } from '../domain/format';
import { sweepOutbox } from '../email/delivery';

const HOUR = 3_600_000;
const RECENT_ACTIVITIES = 5;

export async function sweepBriefings(env: Bindings, now: number): Promise<number> {
  const db = getDb(env.DB);
  const isDue = and(
    eq(bookings.status, 'confirmed'),
    isNull(bookings.briefingSentAt),
    gt(bookings.startAt, now),
    lte(bookings.startAt, now + HOUR),
    sql`${bookings.startAt} - ${HOUR} >= ${bookings.createdAt}`,
    eq(schedulingPages.briefingEnabled, true),
  );
  const dueIds = db.select({ id: bookings.id }).from(bookings).innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId)).where(isDue);
  const duePersons = db
    .select({ id: bookings.personId })
    .from(bookings)
    .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
    .where(isDue);
  // Everything in one round trip, however many are due (subqueries, not id lists: D1 caps
  // bound parameters per statement).
  const [due, hosts, people, recent, open] = await db.batch([
    db
      .select({
        booking: {
          id: bookings.id,
          startAt: bookings.startAt,
          endAt: bookings.endAt,
          timezone: bookings.timezone,
          bookerName: bookings.bookerName,
          bookerEmail: bookings.bookerEmail,
          locationType: bookings.locationType,
          locationValue: bookings.locationValue,
          meetingUrl: bookings.meetingUrl,
          personId: bookings.personId,
        },
        pageTitle: schedulingPages.title,
      })
      .from(bookings)
      .innerJoin(schedulingPages, eq(schedulingPages.id, bookings.pageId))
      .where(isDue),
    db
      .select({ bookingId: bookingHosts.bookingId, name: users.name, email: users.email })
      .from(bookingHosts)
      .innerJoin(users, eq(users.id, bookingHosts.userId))
      .where(inArray(bookingHosts.bookingId, dueIds)),
    db.select().from(persons).where(inArray(persons.id, duePersons)),
    db.select().from(activities).where(inArray(activities.personId, duePersons)).orderBy(desc(activities.occurredAt)),
    db
      .select()
      .from(opportunities)
      .where(and(inArray(opportunities.personId, duePersons), eq(opportunities.status, 'open'))),
  ]);
  if (due.length === 0) return 0;

  const origin = env.APP_URL.replace(/\/+$/, '');
  const hostsByBooking = new Map<string, { name: string; email: string }[]>();
  for (const h of hosts) hostsByBooking.set(h.bookingId, [...(hostsByBooking.get(h.bookingId) ?? []), h]);
  const emails = due.flatMap(({ booking: b, pageTitle }) => {
    const person = people.find((p) => p.id === b.personId) ?? null;
    const email = renderBriefing({
      booking: {
        title: pageTitle,
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
      person: person && { name: person.name, email: person.email, lifecycleStage: person.lifecycleStage },
      activities: recent.filter((a) => a.personId === b.personId).slice(0, RECENT_ACTIVITIES),
      opportunities: open.filter((o) => o.personId === b.personId),
    });
    return (hostsByBooking.get(b.id) ?? []).map((h) => ({
      id: crypto.randomUUID(),
      bookingId: b.id,
      to: h.email,
      subject: email.subject,
      html: email.html,
      text: email.text,
    }));
  });

  // Claim and queue in one batch: the emails are inserted only for bookings whose
  // briefing_sent_at is still empty, then those are marked. Batches run one at a time, so an
  // overlapping sweep finds them marked and queues nothing. Rows travel as one JSON parameter
  // per slice (D1 caps bound parameters per statement).
  const statements = chunked(emails, 200).map((slice) =>
    d1Statement(
      env.DB,
      sql`INSERT INTO email_outbox (id, booking_id, kind, to_address, subject, html, text_body, status, attempts, next_attempt_at, created_at)
        SELECT e.value ->> 'id', e.value ->> 'bookingId', 'briefing', e.value ->> 'to', e.value ->> 'subject', e.value ->> 'html', e.value ->> 'text', 'pending', 0, ${now}, ${now}
        FROM json_each(${JSON.stringify(slice)}) AS e
        WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.id = e.value ->> 'bookingId' AND b.briefing_sent_at IS NULL)`,
    ),
  );
  statements.push(
    ...chunked(due.map((d) => d.booking.id)).map((ids) =>
      d1Statement(env.DB, db.update(bookings).set({ briefingSentAt: now }).where(and(inArray(bookings.id, ids), isNull(bookings.briefingSentAt)))),
    ),
  );
  await env.DB.batch(statements);
  return due.length;
}

export async function runScheduledSweeps(env: Bindings, now: Date) {
  const started = performance.now();
  const briefed = await sweepBriefings(env, now.getTime());
  const briefingMs = performance.now() - started;
  const outboxAttempted = await sweepOutbox(env, now.getTime());
  const stats = { event: 'scheduled_sweep', briefed, briefingMs: Math.round(briefingMs * 10) / 10, outboxAttempted };
  // One structured line per run: what the sweep did and how long the briefing part took.
  console.log(JSON.stringify(stats));
  return stats;
}
