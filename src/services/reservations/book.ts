/** A booker takes a slot: a new occurrence (series, booking, claims), or a seat in a group occurrence. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Bindings } from '../../env';
import { getDb, together, type Db } from '../../db/client';
import { activities, blocklistEntries, bookingAttendees, bookingSeries, bookings, type Booking } from '../../db/schema';
import { loadPageById, type PageWithHosts } from '../../db/pages';
import { publicBookingJson, type PublicBooking } from '../public-booking';
import { storeManageToken } from '../../db/manage-tokens';
import type { OutboxEmail } from '../../email/outbox';
import { fail, SLOT_TAKEN, type BookJob, type HeldView, type ReservationFailure, type ReservationResult } from './types';
import { commitReading, eventStatements, queueInto, type Statements } from './commit';
import { checkSlot, claimStatements, cursorsQuery, heldQuery, pickRoundRobin, seatCountChange } from './claims';
import { personIdByEmail, seatStatements, upsertPerson } from './people';
import { blockingCandidates } from '../abuse-blocklist';
import { pickHosts } from './loads';
import { emailFor, meetingUrlFor } from './emails';
import { attendeesFollowUp, createMeetEvent, type CalendarFields } from './calendar';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The booker's answer, read at the end of the commit's batch: their booking, or on a group page their seat too. */
const answerReads = (db: Db, bookingId: string, attendeeId?: string): Statements => [
  db.select().from(bookings).where(eq(bookings.id, bookingId)),
  ...(attendeeId ? [db.select().from(bookingAttendees).where(eq(bookingAttendees.id, attendeeId))] : []),
];

function answer(page: PageWithHosts, rows: unknown[]): PublicBooking {
  const [[booking], seats] = rows as [Booking[], (typeof bookingAttendees.$inferSelect)[] | undefined];
  return publicBookingJson({ booking, page, seat: seats?.[0] ?? null });
}

/** What a booking's Durable Objects ask of it beyond the booking: their hosts' view around its start. */
export type BookOptions = { viewOf?: number[]; lap?: (span: string) => void };

/** The blocklist entry refusing the booker (SPEC 14), read in the booking's batch. */
const blocklistQuery = (db: Db, email: string) =>
  db.select({ pattern: blocklistEntries.pattern }).from(blocklistEntries).where(inArray(blocklistEntries.pattern, blockingCandidates(email))).limit(1);

/** Counts the job's abuse limits (both side by side); a failure when either says no. */
async function overLimit(env: Bindings, limits: BookJob['limits']): Promise<ReservationFailure | null> {
  if (!limits) return null;
  const [byClient, byEmail] = await Promise.all([env.BOOKING_IP_LIMITER.limit({ key: limits.clientKey }), env.BOOKING_EMAIL_LIMITER.limit({ key: limits.email })]);
  return byClient.success && byEmail.success ? null : { ...fail('unavailable', 'Too many requests, try again in a moment'), rateLimited: true };
}

export async function book(env: Bindings, db: Db, job: BookJob, opts: BookOptions = {}): Promise<ReservationResult> {
  const limited = await overLimit(env, job.limits);
  if (limited) return limited;
  opts.lap?.('limits');
  const page = job.page ?? (await loadPageById(db, job.pageId));
  if (!page || !page.active) return fail('not_found', 'This scheduling page does not exist');
  // Everything the booking reads goes to D1 in one batch (see together): the page as it is
  // now, the blocklist, the slot re-check's context, round robin's cursors, a group occurrence
  // at the start, and the hosts' held meetings around it for their Durable Objects.
  const reads = getDb(together(db.$client));
  const window = { start: job.start - 2 * DAY, end: job.start + 2 * DAY };
  const [fresh, blocked, checked, cursors, atStart, held] = await Promise.all([
    job.page ? loadPageById(reads, job.pageId) : page,
    reads.batch([blocklistQuery(reads, job.booker.email)]).then(([rows]) => rows[0]?.pattern),
    checkSlot(env, reads, page, job.start, job.now),
    page.strategy === 'round_robin' ? reads.batch([cursorsQuery(reads, page.id)]).then(([rows]) => rows) : undefined,
    page.strategy === 'group'
      ? reads.batch([reads.select().from(bookings).where(and(eq(bookings.pageId, page.id), eq(bookings.startAt, job.start), eq(bookings.status, 'confirmed')))]).then(([rows]) => rows)
      : [],
    opts.viewOf?.length ? reads.batch([heldQuery(reads, opts.viewOf, window)]).then(([rows]) => rows) : undefined,
  ]);
  opts.lap?.('reads');
  if (!fresh || !fresh.active) return fail('not_found', 'This scheduling page does not exist');
  // The route's copy is older than the page (its locks may be the wrong hosts'): it reads again.
  if (JSON.stringify(fresh) !== JSON.stringify(page)) return { ...fail('unavailable', 'The page changed a moment ago, try again'), pageChanged: true };
  const views: HeldView | undefined = held && opts.viewOf ? { window, hostIds: opts.viewOf, held } : undefined;
  // Before the slot's verdict: a blocked booker hears neither that it is free nor that it is taken.
  if (blocked) return { ...fail('forbidden', 'This booking could not be completed'), blockedBy: blocked, views };
  if ('ok' in checked) return { ...checked, views };
  const { slot } = checked;
  const start = job.start;
  const end = start + page.durationMinutes * MINUTE;
  const b = job.booker;
  // The CRM person comes first in each batch below, once the assigned host (their owner) is known.
  const statements: Statements = [];
  const outboxIds: string[] = [];
  const queue = (e: OutboxEmail) => {
    outboxIds.push(...queueInto(db, statements, [e], job.now));
  };

  // Group: join the occurrence at this start when there is one.
  if (page.strategy === 'group' && checked.occurrenceId) {
    const before = atStart.find((o) => o.id === checked.occurrenceId)!;
    const joined = seatCountChange(db, before, 1, job.now);
    const occurrence = joined.occurrence;
    const hosts = pickHosts(checked.hostUsers, [occurrence.hostId]);
    const attendeeId = crypto.randomUUID();
    statements.push(
      upsertPerson(db, b, occurrence.hostId, job.now),
      // The capacity CHECK aborts the batch if this seat does not exist any more.
      joined.statement,
      ...seatStatements(db, attendeeId, occurrence.id, job),
      db.insert(activities).values({ personId: personIdByEmail(b.email) as unknown as number, kind: 'meeting_booked', summary: `Registered for ${page.title}`, bookingId: occurrence.id, occurredAt: job.now }),
    );
    const ctx = { page, occurrence, bookingId: occurrence.id, primary: hosts[0], hosts };
    queue(emailFor('booking_confirmation', ctx, b, { manageUrl: job.manageUrl, ics: 'REQUEST', now: job.now }));
    queue(emailFor('booking_host_notification', ctx, { ...hosts[0], timezone: null }, { bookerName: b.name, bookerEmail: b.email, notes: b.notes, now: job.now }));
    statements.push(...eventStatements(db, { type: 'booking.created', bookingId: occurrence.id, attendeeId, now: job.now }));
    const done = await commitReading(db, statements, answerReads(db, occurrence.id, attendeeId));
    if ('ok' in done) return { ...done, views };
    const booking = answer(page, done.rows);
    return { ok: true, bookingId: occurrence.id, attendeeId, outboxIds, calendar: attendeesFollowUp(occurrence, hosts[0]), booking, views };
  }

  let hostIds: number[];
  if (page.strategy === 'collective') hostIds = page.hosts.map((h) => h.userId).sort((x, y) => x - y);
  else if (page.strategy === 'round_robin') {
    const picked = await pickRoundRobin(db, page, slot.hostIds, job.now, cursors);
    if (!picked) return { ...SLOT_TAKEN(), views };
    hostIds = [picked.hostId];
    statements.push(picked.cursor);
  } else hostIds = [page.hosts[0].userId];
  statements.unshift(upsertPerson(db, b, hostIds[0], job.now));

  const hosts = pickHosts(checked.hostUsers, hostIds);
  const seriesId = crypto.randomUUID();
  const bookingId = crypto.randomUUID();
  const icsUid = `${seriesId}@${new URL(env.APP_URL).hostname}`;
  const isGroup = page.strategy === 'group';
  const occurrence = {
    startAt: start,
    endAt: end,
    timezone: page.timezone,
    locationType: page.locationType,
    locationValue: page.locationValue,
    meetingUrl: meetingUrlFor(page),
    icsUid,
    icsSequence: 0,
  };
  const meet = await createMeetEvent(env, page, hosts[0], {
    requestId: bookingId,
    summary: `${page.title}: ${b.name}`,
    description: b.notes ?? '',
    start,
    end,
    attendees: [b.email, ...hosts.slice(1).map((h) => h.email)],
  });
  const calendarFields: CalendarFields = meet?.fields ?? { meetingUrl: occurrence.meetingUrl, calendarEventId: null, calendarStatus: null, calendarError: null };
  occurrence.meetingUrl = calendarFields.meetingUrl;
  statements.push(
    db.insert(bookingSeries).values({ id: seriesId, pageId: page.id, icsUid, createdAt: job.now }),
    // A group booker's link opens their seat; anyone else's the series.
    ...(isGroup ? [] : [storeManageToken(db, job.tokenHash, { seriesId }, job.now)]),
    db.insert(bookings).values({
      id: bookingId,
      seriesId,
      pageId: page.id,
      hostId: hostIds[0],
      status: 'confirmed',
      ...occurrence,
      bookerName: b.name,
      bookerEmail: b.email,
      bookerPhone: b.phone,
      bookerTimezone: b.timezone,
      bookerLocale: b.locale,
      notes: b.notes,
      answers: b.answers,
      personId: personIdByEmail(b.email) as unknown as number,
      attendeeCount: 1,
      capacity: isGroup ? page.groupCapacity! : 1,
      ...calendarFields,
      emailStatus: 'pending',
      createdAt: job.now,
      updatedAt: job.now,
    }),
    ...claimStatements(db, bookingId, hostIds, page, start, end),
    db.insert(activities).values({ personId: personIdByEmail(b.email) as unknown as number, kind: 'meeting_booked', summary: `Booked ${page.title}`, bookingId, occurredAt: job.now }),
  );
  let attendeeId: string | undefined;
  if (isGroup) {
    attendeeId = crypto.randomUUID();
    statements.push(...seatStatements(db, attendeeId, bookingId, job));
  }
  const ctx = { page, occurrence, bookingId, primary: hosts[0], hosts };
  queue(emailFor('booking_confirmation', ctx, b, { manageUrl: job.manageUrl, ics: 'REQUEST', now: job.now }));
  for (const host of hosts) {
    queue(emailFor('booking_host_notification', ctx, { ...host, timezone: null }, { bookerName: b.name, bookerEmail: b.email, notes: b.notes, now: job.now }));
  }
  statements.push(...eventStatements(db, { type: 'booking.created', bookingId, attendeeId, now: job.now }));
  opts.lap?.('compose');
  const done = await commitReading(db, statements, answerReads(db, bookingId, attendeeId));
  opts.lap?.('commit');
  if ('ok' in done) {
    await meet?.undo();
    // D1's guard refused: the view read before the commit still holds (nothing was written).
    return { ...done, views };
  }
  const claims = { added: hostIds.map((hostId) => ({ hostId, bookingId, start, end })), released: [] };
  return { ok: true, bookingId, attendeeId, outboxIds, booking: answer(page, done.rows), claims, views };
}
