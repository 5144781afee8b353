/**
 * Every write that claims or releases a host's time: book, reschedule, cancel. Each runs
 * inside the Durable Objects of the hosts it touches (see host-schedule.ts), re-reads D1,
 * re-checks the slot with the engine and commits one batch: the state change, the claims
 * (guarded by the overlap trigger), the CRM link and the outbox emails together.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Bindings } from '../env';
import { getDb, type Db } from '../db/client';
import {
  activities,
  bookingAttendees,
  bookingHosts,
  bookingSeries,
  bookings,
  hostClaims,
  persons,
  roundRobinCursors,
  users,
  type Booking,
} from '../db/schema';
import { loadPageById, type PageWithHosts } from '../db/pages';
import { seatBooker } from '../db/bookings';
import { pageRules, type HostUser } from '../db/availability';
import { bufferedInterval, findSlot, pickRoundRobinHost, type Slot } from '../domain/slots';
import { locationLabel } from '../domain/format';
import { buildInvite, type InviteMethod } from '../email/ics';
import { isHttpUrl, renderEmail, type EmailBooking, type EmailKind } from '../email/templates';
import { queueEmail, type OutboxEmail } from '../email/outbox';
import { bookingEventStatements, type BookingEvent } from './booking-events';
import { googleCalendar } from '../calendar/google';
import { issueManageToken, storeManageToken, type TokenOwner } from '../db/manage-tokens';
import type { CalendarFollowUp } from '../calendar/sync';
import { availability } from './availability';
import type { Locale } from '../domain/locales';

const MINUTE = 60_000;

export type Booker = {
  name: string;
  email: string;
  phone: string | null;
  notes: string | null;
  timezone: string | null;
  answers: Record<string, string | boolean>;
  /** The booker's language (SPEC 10): every email to them is written in it. */
  locale: Locale;
};

/** manageUrl carries the plain token only as far as the booker's email; D1 keeps its hash. */
export type BookJob = { kind: 'book'; pageId: number; start: number; booker: Booker; tokenHash: string; manageUrl: string; now: number };
export type RescheduleJob = {
  kind: 'reschedule';
  bookingId: string;
  start: number;
  by: 'host' | 'booker';
  message: string | null;
  now: number;
};
export type CancelJob = { kind: 'cancel'; bookingId: string; by: 'host' | 'booker'; reason: string | null; now: number };
/** A booker of a group occurrence leaves their seat (the occurrence stays for the others). */
export type LeaveSeatJob = { kind: 'leave_seat'; attendeeId: string; reason: string | null; now: number };
/** A booker of a group occurrence moves only their own seat to another time. */
export type MoveSeatJob = { kind: 'move_seat'; attendeeId: string; start: number; now: number };
export type ReservationJob = BookJob | RescheduleJob | CancelJob | LeaveSeatJob | MoveSeatJob;

export type ReservationFailure = {
  ok: false;
  // unavailable: a host's Durable Object was reset mid-call (host-schedule.ts); 503, retry.
  code: 'already_booked' | 'invalid_state' | 'validation_failed' | 'not_found' | 'internal' | 'unavailable';
  message: string;
};
export type ReservationResult =
  | { ok: true; bookingId: string; attendeeId?: string; outboxIds: string[]; calendar?: CalendarFollowUp[] }
  | ReservationFailure;

const fail = (code: ReservationFailure['code'], message: string): ReservationFailure => ({ ok: false, code, message });
const SLOT_TAKEN = () => fail('already_booked', 'That time was just booked, pick another');

/** Maps the D1 guards (overlap trigger, capacity CHECK, status trigger) to results. */
function constraintFailure(error: unknown): ReservationFailure | null {
  const message = String((error as Error)?.message ?? error);
  if (message.includes('already_booked') || message.includes('bookings_capacity_check')) return SLOT_TAKEN();
  if (message.includes('invalid_state')) return fail('invalid_state', 'This booking has changed; reload and try again');
  return null;
}

/** The change's workflow messages and webhook deliveries, appended to its batch (invariant 3). */
const eventStatements = (db: Db, event: BookingEvent): BatchItem<'sqlite'>[] => bookingEventStatements(event).map((q) => db.run(q));

async function commit(db: Db, statements: BatchItem<'sqlite'>[]): Promise<ReservationFailure | null> {
  try {
    await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
    return null;
  } catch (error) {
    const failure = constraintFailure(error);
    if (failure) return failure;
    throw error;
  }
}

/** Hosts with their language (their own emails are written in it, SPEC 10), in the given order. */
async function loadHostUsers(db: Db, ids: number[]): Promise<HostUser[]> {
  const rows = await db.select({ id: users.id, name: users.name, email: users.email, locale: users.locale }).from(users).where(inArray(users.id, ids));
  return pickHosts(rows, ids);
}

/** The given hosts in the given order (primary first). */
const pickHosts = <H extends HostUser>(rows: H[], ids: number[]) => ids.map((id) => rows.find((r) => r.id === id)).filter((r): r is H => !!r);

/** The booking's assigned host among its hosts (whose calendar holds the event). */
const assignedHost = (hosts: HostUser[], booking: Booking) => hosts.find((h) => h.id === booking.hostId) ?? hosts[0];

const appOrigin = (env: Bindings) => env.APP_URL.replace(/\/+$/, '');
export const manageUrlFor = (env: Bindings, slug: string, token: string) => `${appOrigin(env)}/b/${slug}/manage/${token}`;

export const meetingUrlFor = (page: Pick<PageWithHosts, 'locationType' | 'locationValue'>) =>
  (page.locationType === 'zoom' || page.locationType === 'custom') && isHttpUrl(page.locationValue) ? page.locationValue : null;

const locationText = (b: Pick<Booking, 'locationType' | 'locationValue'>) =>
  `${locationLabel(b.locationType)}${b.locationValue ? `: ${b.locationValue}` : ''}`;

type Occurrence = Pick<
  Booking,
  'startAt' | 'endAt' | 'timezone' | 'locationType' | 'locationValue' | 'meetingUrl' | 'icsUid' | 'icsSequence'
>;

/** Everything one email about an occurrence needs, for one recipient (booker or host). */
function emailFor(
  kind: Exclude<EmailKind, 'briefing'>,
  ctx: { page: PageWithHosts; occurrence: Occurrence; bookingId: string; primary: HostUser; hosts: HostUser[] },
  recipient: { name: string; email: string; timezone: string | null; locale?: Locale | null },
  extra: Pick<EmailBooking, 'manageUrl' | 'reason' | 'moved' | 'message' | 'notes'> & { bookerName?: string; bookerEmail?: string; ics?: InviteMethod; now: number },
): OutboxEmail {
  const o = ctx.occurrence;
  const data: EmailBooking = {
    title: ctx.page.title,
    start: o.startAt,
    end: o.endAt,
    timezone: o.timezone,
    bookerTimezone: recipient.timezone,
    bookerName: extra.bookerName ?? recipient.name,
    bookerEmail: extra.bookerEmail ?? recipient.email,
    hostName: ctx.primary.name,
    location: locationText(o),
    locationType: o.locationType,
    locationValue: o.locationValue,
    meetingUrl: o.meetingUrl,
    manageUrl: extra.manageUrl,
    reason: extra.reason,
    moved: extra.moved,
    message: extra.message,
    notes: extra.notes,
  };
  const email = renderEmail(kind, data, recipient.locale ?? 'en');
  const ics = extra.ics
    ? {
        method: extra.ics,
        content: buildInvite({
          method: extra.ics,
          uid: o.icsUid,
          sequence: o.icsSequence,
          start: o.startAt,
          end: o.endAt,
          now: extra.now,
          title: ctx.page.title,
          description: `${ctx.page.title} with ${ctx.primary.name}${extra.manageUrl ? `\nManage: ${extra.manageUrl}` : ''}`,
          location: locationText(o),
          url: o.meetingUrl,
          organizer: { name: ctx.primary.name, email: ctx.primary.email },
          attendees: [
            { name: recipient.name, email: recipient.email },
            ...ctx.hosts.filter((h) => h.id !== ctx.primary.id).map((h) => ({ name: h.name, email: h.email })),
          ],
        }),
      }
    : undefined;
  return { bookingId: ctx.bookingId, kind, to: recipient.email, email, ics };
}

/** Host-wise slot check at `start`: 400 when the engine never offers it, 409 when it is taken. */
async function checkSlot(
  env: Bindings,
  db: Db,
  page: PageWithHosts,
  start: number,
  now: number,
  moving?: Booking,
): Promise<{ slot: Slot; occurrenceId?: string; hostUsers: HostUser[] } | ReservationFailure> {
  const rules = pageRules(page);
  const ctx = await availability(env, db, page, start, start + page.durationMinutes * MINUTE, {
    ignoreBookingIds: moving ? [moving.id] : [],
    ownTimes: moving ? [{ start: moving.startAt, end: moving.endAt }] : [],
  });
  const structural = findSlot({ page: rules, hosts: ctx.hosts.map((h) => ({ ...h, busy: [] })), now, occurrences: [] }, start);
  if (!structural) return fail('validation_failed', 'That start is not an available slot on this page');
  const slot = findSlot({ page: rules, hosts: ctx.hosts, now, occurrences: ctx.occurrences }, start);
  if (!slot) return SLOT_TAKEN();
  return { slot, occurrenceId: ctx.occurrences.find((o) => o.start === start)?.id, hostUsers: ctx.hostUsers };
}

/**
 * The CRM person of a booker's email, created as a lead owned by the booking's assigned host
 * (CRM visibility follows the owner). An existing person keeps their owner and details.
 */
function upsertPerson(db: Db, booker: Pick<Booker, 'email' | 'name' | 'phone'>, ownerId: number, now: number) {
  return db
    .insert(persons)
    .values({ email: booker.email, name: booker.name, phone: booker.phone, lifecycleStage: 'lead', ownerId, createdAt: now })
    .onConflictDoNothing({ target: persons.email });
}

const personIdByEmail = (email: string) => sql`(SELECT id FROM persons WHERE email = ${email})`;

/** A group booker's seat. */
function seatInsert(db: Db, id: string, bookingId: string, job: BookJob) {
  const b = job.booker;
  return db.insert(bookingAttendees).values({
    id,
    bookingId,
    name: b.name,
    email: b.email,
    phone: b.phone,
    timezone: b.timezone,
    locale: b.locale,
    notes: b.notes,
    answers: b.answers,
    personId: personIdByEmail(b.email) as unknown as number,
    createdAt: job.now,
  });
}

/** A group booker's seat with the manage token the booking request made for them. */
const seatStatements = (db: Db, id: string, bookingId: string, job: BookJob) => [
  seatInsert(db, id, bookingId, job),
  storeManageToken(db, job.tokenHash, { attendeeId: id }, job.now),
];

/** Adds each email's outbox insert to the change's batch (one commit) and returns their ids for the send after it. */
function queueInto(db: Db, statements: BatchItem<'sqlite'>[], emails: OutboxEmail[], now: number): string[] {
  return emails.map((e) => {
    const q = queueEmail(db, e, now);
    statements.push(q.statement);
    return q.id;
  });
}

/**
 * A booking's hosts and their claims. A claim holds the buffered interval (the meeting padded
 * by its own page's buffers), so the overlap trigger refuses buffered overlap on every page.
 */
function claimStatements(db: Db, bookingId: string, hostIds: number[], page: PageWithHosts, start: number, end: number) {
  const claim = bufferedInterval(start, end, page);
  return [
    ...hostIds.map((userId) => db.insert(bookingHosts).values({ bookingId, userId })),
    ...hostIds.map((hostId) => db.insert(hostClaims).values({ bookingId, hostId, startAt: claim.start, endAt: claim.end })),
  ];
}

type CalendarFields = Pick<Booking, 'meetingUrl' | 'calendarEventId' | 'calendarStatus' | 'calendarError'>;

/**
 * For a Google Meet page, the host's event for a new occurrence, made before the commit so
 * the confirmation carries its join URL. A calendar failure is recorded on the booking; it
 * never stops it. `undo` removes the event again when the commit fails.
 */
async function createMeetEvent(
  env: Bindings,
  page: PageWithHosts,
  host: HostUser,
  event: { requestId: string; summary: string; description: string; start: number; end: number; attendees: string[] },
): Promise<{ fields: CalendarFields; undo: () => Promise<unknown> } | null> {
  const calendar = page.locationType === 'google_meet' ? googleCalendar(env) : null;
  if (!calendar) return null;
  const created = await calendar.insertEvent(host.email, event);
  if (!created.ok) return { fields: { meetingUrl: null, calendarEventId: null, calendarStatus: 'failed', calendarError: created.error }, undo: async () => {} };
  return {
    fields: { meetingUrl: created.value.meetUrl, calendarEventId: created.value.id, calendarStatus: 'created', calendarError: null },
    undo: () => calendar.cancelEvent(host.email, created.value.id),
  };
}

const attendeesFollowUp = (occurrence: Booking, host: HostUser): CalendarFollowUp[] =>
  occurrence.calendarEventId ? [{ action: 'attendees', bookingId: occurrence.id, hostEmail: host.email, eventId: occurrence.calendarEventId }] : [];

/**
 * A seat joining (+1) or leaving (-1) an occurrence. Every seat's invite carries the
 * occurrence's UID, so each seat change raises its SEQUENCE in the same UPDATE as the count:
 * a seat that leaves (CANCEL) and comes back (REQUEST) gets a higher SEQUENCE each time, as
 * calendars ignore an update whose SEQUENCE went back. Emails about it use the returned row.
 */
function seatCountChange(db: Db, occurrence: Booking, delta: 1 | -1, now: number) {
  const changed = { ...occurrence, attendeeCount: occurrence.attendeeCount + delta, icsSequence: occurrence.icsSequence + 1 };
  const statement = db
    .update(bookings)
    .set({ attendeeCount: sql`${bookings.attendeeCount} + ${delta}`, icsSequence: changed.icsSequence, updatedAt: now })
    .where(eq(bookings.id, occurrence.id));
  return { occurrence: changed, statement };
}

/**
 * Round robin's pick among the free hosts (least recent cursor, weight DESC, id ASC) and the
 * cursor move that goes into the same batch as the booking. Callers hold every page host's lock.
 */
async function pickRoundRobin(db: Db, page: PageWithHosts, freeHostIds: number[], now: number) {
  const cursors = await db.select().from(roundRobinCursors).where(eq(roundRobinCursors.pageId, page.id));
  const hostId = pickRoundRobinHost(
    freeHostIds,
    page.hosts.map((h) => ({ userId: h.userId, weight: h.weight, rotation: cursors.find((c) => c.userId === h.userId)?.rotation ?? null })),
  );
  if (hostId === undefined) return null;
  const nextRotation = () => sql`(SELECT COALESCE(MAX(rotation), 0) + 1 FROM round_robin_cursors WHERE page_id = ${page.id})`;
  const cursor = db
    .insert(roundRobinCursors)
    .values({ pageId: page.id, userId: hostId, lastAssignedAt: now, rotation: nextRotation() as unknown as number })
    .onConflictDoUpdate({ target: [roundRobinCursors.pageId, roundRobinCursors.userId], set: { lastAssignedAt: now, rotation: nextRotation() } });
  return { hostId, cursor };
}

async function book(env: Bindings, db: Db, job: BookJob): Promise<ReservationResult> {
  const page = await loadPageById(db, job.pageId);
  if (!page || !page.active) return fail('not_found', 'This scheduling page does not exist');
  const checked = await checkSlot(env, db, page, job.start, job.now);
  if ('ok' in checked) return checked;
  const { slot } = checked;
  const start = job.start;
  const end = start + page.durationMinutes * MINUTE;
  const b = job.booker;
  // The CRM person comes first in each batch below, once the assigned host (their owner) is known.
  const statements: BatchItem<'sqlite'>[] = [];
  const outboxIds: string[] = [];
  const queue = (e: OutboxEmail) => {
    outboxIds.push(...queueInto(db, statements, [e], job.now));
  };

  // Group: join the occurrence at this start when there is one.
  if (page.strategy === 'group' && checked.occurrenceId) {
    const [before] = await db.select().from(bookings).where(eq(bookings.id, checked.occurrenceId));
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
    const failure = await commit(db, statements);
    return failure ?? { ok: true, bookingId: occurrence.id, attendeeId, outboxIds, calendar: attendeesFollowUp(occurrence, hosts[0]) };
  }

  let hostIds: number[];
  if (page.strategy === 'collective') hostIds = page.hosts.map((h) => h.userId).sort((x, y) => x - y);
  else if (page.strategy === 'round_robin') {
    const picked = await pickRoundRobin(db, page, slot.hostIds, job.now);
    if (!picked) return SLOT_TAKEN();
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
  const failure = await commit(db, statements);
  if (failure) await meet?.undo();
  return failure ?? { ok: true, bookingId, attendeeId, outboxIds };
}

/** Bookers of an occurrence (the attendee rows of a group, else the booking's own booker), each with what their manage link opens. */
async function bookersOf(db: Db, booking: Booking): Promise<{ name: string; email: string; timezone: string | null; locale: Locale; owner: TokenOwner }[]> {
  const attendees = await db
    .select()
    .from(bookingAttendees)
    .where(and(eq(bookingAttendees.bookingId, booking.id), eq(bookingAttendees.status, 'confirmed')));
  if (attendees.length) return attendees.map((a) => ({ name: a.name, email: a.email, timezone: a.timezone, locale: a.locale, owner: { attendeeId: a.id } }));
  return [{ name: booking.bookerName, email: booking.bookerEmail, timezone: booking.bookerTimezone, locale: booking.bookerLocale, owner: { seriesId: booking.seriesId } }];
}

async function loadChangeable(db: Db, bookingId: string, now: number) {
  const [booking] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
  if (!booking) return fail('not_found', 'Booking not found');
  if (booking.status !== 'confirmed' || booking.startAt <= now) return fail('invalid_state', 'Only upcoming confirmed bookings can be changed');
  const page = await loadPageById(db, booking.pageId);
  if (!page) return fail('not_found', 'Booking not found');
  const hostRows = await db.select({ userId: bookingHosts.userId }).from(bookingHosts).where(eq(bookingHosts.bookingId, booking.id));
  return { booking, page, hostIds: hostRows.map((h) => h.userId).sort((a, b) => a - b) };
}

async function reschedule(env: Bindings, db: Db, job: RescheduleJob): Promise<ReservationResult> {
  const loaded = await loadChangeable(db, job.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking, page } = loaded;
  const checked = await checkSlot(env, db, page, job.start, job.now, booking);
  if ('ok' in checked) return checked;
  const { slot } = checked;
  if (page.strategy === 'group' && checked.occurrenceId) return SLOT_TAKEN();

  // Individual, collective and group keep their hosts; round robin keeps the host when the
  // host moves it, or for a booker when the host is free at the new time; else it picks by its
  // rule among the free hosts and moves that cursor in the same batch.
  let hostIds = loaded.hostIds;
  let cursor: BatchItem<'sqlite'> | null = null;
  if (page.strategy === 'round_robin') {
    if (!slot.hostIds.includes(booking.hostId)) {
      if (job.by === 'host') return SLOT_TAKEN();
      const picked = await pickRoundRobin(db, page, slot.hostIds, job.now);
      if (!picked) return SLOT_TAKEN();
      hostIds = [picked.hostId];
      cursor = picked.cursor;
    }
  } else if (!hostIds.every((h) => slot.hostIds.includes(h))) return SLOT_TAKEN();

  const end = job.start + (booking.endAt - booking.startAt);
  const newId = crypto.randomUUID();
  const hosts = await loadHostUsers(db, hostIds);
  // Round robin may hand a booker's new time to another host: the meeting then leaves the old
  // host's calendar and gets a Meet event of its own on the new host's, made before the commit
  // (like a new booking) so the booker's confirmation carries its join URL.
  const previousHost = hostIds[0] === booking.hostId ? null : (await loadHostUsers(db, [booking.hostId]))[0];
  const meet = previousHost
    ? await createMeetEvent(env, page, hosts[0], { requestId: newId, summary: `${page.title}: ${booking.bookerName}`, description: booking.notes ?? '', start: job.start, end, attendees: [booking.bookerEmail] })
    : null;
  const calendarFields: CalendarFields = meet?.fields ?? booking;
  const occurrence = { ...booking, ...calendarFields, startAt: job.start, endAt: end, icsSequence: booking.icsSequence + 1 };
  const statements: BatchItem<'sqlite'>[] = [
    // The status trigger aborts the batch if someone else changed this booking meanwhile.
    db.update(bookings).set({ status: 'rescheduled', updatedAt: job.now }).where(eq(bookings.id, booking.id)),
    db.delete(hostClaims).where(eq(hostClaims.bookingId, booking.id)),
    db.insert(bookings).values({
      ...booking,
      ...calendarFields,
      id: newId,
      hostId: hostIds[0],
      status: 'confirmed',
      startAt: job.start,
      endAt: end,
      icsSequence: occurrence.icsSequence,
      hostMessage: job.by === 'host' ? job.message : null,
      briefingSentAt: null,
      attendance: null,
      emailStatus: 'pending',
      emailAttempts: 0,
      emailLastError: null,
      emailProviderId: null,
      createdAt: job.now,
      updatedAt: job.now,
    }),
    ...claimStatements(db, newId, hostIds, page, job.start, end),
    db.update(bookingAttendees).set({ bookingId: newId }).where(eq(bookingAttendees.bookingId, booking.id)),
    ...(cursor ? [cursor] : []),
  ];
  const outboxIds: string[] = [];
  const ctx = { page, occurrence, bookingId: newId, primary: hosts[0], hosts };
  const bookers = await bookersOf(db, booking);
  for (const booker of bookers) {
    // Every booker email offers the manage link: a fresh token of the series (or seat).
    const link = await issueManageToken(db, booker.owner, job.now);
    statements.push(link.statement);
    const manageUrl = manageUrlFor(env, page.slug, link.token);
    const e =
      job.by === 'host'
        ? emailFor('host_rescheduled', ctx, booker, { message: job.message, manageUrl, ics: 'REQUEST', now: job.now })
        : emailFor('booking_confirmation', ctx, booker, { manageUrl, ics: 'REQUEST', now: job.now });
    outboxIds.push(...queueInto(db, statements, [e], job.now));
  }
  if (job.by === 'booker') {
    const aboutBooker = { bookerName: booking.bookerName, bookerEmail: booking.bookerEmail, now: job.now };
    const hostEmails = previousHost
      ? [
          // The new host gets a new booking; the old one learns it left their calendar.
          emailFor('booking_host_notification', ctx, { ...hosts[0], timezone: null }, { ...aboutBooker, notes: booking.notes }),
          // The sentence is the old host's language's, written by the template.
          emailFor('cancellation_host', { ...ctx, occurrence: booking, bookingId: booking.id, primary: previousHost, hosts: [previousHost] }, { ...previousHost, timezone: null }, {
            ...aboutBooker,
            moved: { toHost: hosts[0].name },
          }),
        ]
      : hosts.map((host) => emailFor('booker_rescheduled', ctx, { ...host, timezone: null }, aboutBooker));
    outboxIds.push(...queueInto(db, statements, hostEmails, job.now));
  }
  statements.push(
    ...eventStatements(db, { type: 'booking.rescheduled', bookingId: newId, fromBookingId: booking.id, previous: { start: booking.startAt, end: booking.endAt }, now: job.now }),
  );
  const failure = await commit(db, statements);
  if (failure) {
    await meet?.undo();
    return failure;
  }
  const calendar: CalendarFollowUp[] = [];
  if (previousHost && booking.calendarEventId)
    calendar.push({ action: 'cancel', bookingId: booking.id, hostEmail: previousHost.email, eventId: booking.calendarEventId });
  else if (booking.calendarEventId)
    calendar.push({ action: 'patch', bookingId: newId, hostEmail: assignedHost(hosts, booking).email, eventId: booking.calendarEventId, start: job.start, end });
  return { ok: true, bookingId: newId, outboxIds, calendar };
}

/** `leaving`: the group seat whose departure empties the occurrence (it leaves in the same batch). */
async function cancel(db: Db, job: CancelJob, leaving?: typeof bookingAttendees.$inferSelect): Promise<ReservationResult> {
  const loaded = await loadChangeable(db, job.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking, page } = loaded;
  const hosts = await loadHostUsers(db, loaded.hostIds);
  const occurrence = { ...booking, icsSequence: booking.icsSequence + 1 };
  const statements: BatchItem<'sqlite'>[] = [
    db
      .update(bookings)
      .set({ status: 'cancelled', cancelReason: job.reason, cancelledBy: job.by, icsSequence: occurrence.icsSequence, updatedAt: job.now })
      .where(eq(bookings.id, booking.id)),
    db.delete(hostClaims).where(eq(hostClaims.bookingId, booking.id)),
    ...(leaving ? [db.update(bookingAttendees).set({ status: 'cancelled' }).where(and(eq(bookingAttendees.id, leaving.id), eq(bookingAttendees.status, 'confirmed')))] : []),
  ];
  const ctx = { page, occurrence, bookingId: booking.id, primary: hosts[0], hosts };
  const bookers = await bookersOf(db, booking);
  const emails: OutboxEmail[] = bookers.map((booker) => emailFor('cancellation_booker', ctx, booker, { reason: job.reason, ics: 'CANCEL', now: job.now }));
  // Hosts hear who it was about now: the leaving seat, else a current booker (never a seat that left long ago).
  const about = leaving ?? bookers[0] ?? { name: booking.bookerName, email: booking.bookerEmail };
  for (const host of hosts) {
    emails.push(emailFor('cancellation_host', ctx, { ...host, timezone: null }, { reason: job.reason, bookerName: about.name, bookerEmail: about.email, now: job.now }));
  }
  const outboxIds = queueInto(db, statements, emails, job.now);
  statements.push(...eventStatements(db, { type: 'booking.cancelled', bookingId: booking.id, attendeeId: leaving?.id, now: job.now }));
  const failure = await commit(db, statements);
  if (failure) return failure;
  const calendar: CalendarFollowUp[] = booking.calendarEventId
    ? [{ action: 'cancel', bookingId: booking.id, hostEmail: assignedHost(hosts, booking).email, eventId: booking.calendarEventId }]
    : [];
  return { ok: true, bookingId: booking.id, outboxIds, calendar };
}

async function leaveSeat(db: Db, job: LeaveSeatJob): Promise<ReservationResult> {
  const [attendee] = await db.select().from(bookingAttendees).where(eq(bookingAttendees.id, job.attendeeId));
  if (!attendee || attendee.status !== 'confirmed') return fail('invalid_state', 'This registration is no longer active');
  const loaded = await loadChangeable(db, attendee.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking, page } = loaded;
  // The last booker leaving cancels the occurrence and frees the host's time.
  if (booking.attendeeCount <= 1) return cancel(db, { kind: 'cancel', bookingId: booking.id, by: 'booker', reason: job.reason, now: job.now }, attendee);
  const hosts = await loadHostUsers(db, loaded.hostIds);
  const left = seatCountChange(db, booking, -1, job.now);
  const ctx = { page, occurrence: left.occurrence, bookingId: booking.id, primary: hosts[0], hosts };
  const statements: BatchItem<'sqlite'>[] = [
    db.update(bookingAttendees).set({ status: 'cancelled' }).where(and(eq(bookingAttendees.id, attendee.id), eq(bookingAttendees.status, 'confirmed'))),
    left.statement,
  ];
  const outboxIds = queueInto(db, statements, [
    emailFor('cancellation_booker', ctx, attendee, { reason: job.reason, ics: 'CANCEL', now: job.now }),
    emailFor('cancellation_host', ctx, { ...hosts[0], timezone: null }, { reason: job.reason, bookerName: attendee.name, bookerEmail: attendee.email, now: job.now }),
  ], job.now);
  statements.push(...eventStatements(db, { type: 'booking.cancelled', bookingId: booking.id, attendeeId: attendee.id, now: job.now }));
  const failure = await commit(db, statements);
  return failure ?? { ok: true, bookingId: booking.id, attendeeId: attendee.id, outboxIds, calendar: attendeesFollowUp(booking, hosts[0]) };
}

async function moveSeat(env: Bindings, db: Db, job: MoveSeatJob): Promise<ReservationResult> {
  const [attendee] = await db.select().from(bookingAttendees).where(eq(bookingAttendees.id, job.attendeeId));
  if (!attendee || attendee.status !== 'confirmed') return fail('invalid_state', 'This registration is no longer active');
  const loaded = await loadChangeable(db, attendee.bookingId, job.now);
  if ('ok' in loaded) return loaded;
  const { booking: from, page } = loaded;
  // Already there: nothing to move (idempotent, like a repeated request).
  if (job.start === from.startAt) return { ok: true, bookingId: from.id, attendeeId: attendee.id, outboxIds: [] };
  const checked = await checkSlot(env, db, page, job.start, job.now);
  if ('ok' in checked) return checked;
  const end = job.start + (from.endAt - from.startAt);
  const hosts = pickHosts(checked.hostUsers, loaded.hostIds);
  const statements: BatchItem<'sqlite'>[] = [];
  let to: Booking;
  let meet: Awaited<ReturnType<typeof createMeetEvent>> = null;
  if (checked.occurrenceId) {
    const [existing] = await db.select().from(bookings).where(eq(bookings.id, checked.occurrenceId));
    const joined = seatCountChange(db, existing, 1, job.now);
    to = joined.occurrence;
    // The capacity CHECK aborts the batch if the last seat went meanwhile.
    statements.push(joined.statement);
  } else {
    // A new occurrence at that time, in a series of its own, with its own Meet event.
    const seriesId = crypto.randomUUID();
    const id = crypto.randomUUID();
    meet = await createMeetEvent(env, page, hosts[0], { requestId: id, summary: `${page.title}: ${attendee.name}`, description: '', start: job.start, end, attendees: [attendee.email] });
    to = {
      ...from,
      id,
      seriesId,
      icsUid: `${seriesId}@${new URL(env.APP_URL).hostname}`,
      icsSequence: 0,
      startAt: job.start,
      endAt: end,
      ...seatBooker(attendee),
      bookerLocale: attendee.locale,
      personId: attendee.personId,
      attendeeCount: 1,
      ...(meet?.fields ?? { meetingUrl: from.meetingUrl, calendarEventId: null, calendarStatus: null, calendarError: null }),
      briefingSentAt: null,
      attendance: null,
      createdAt: job.now,
      updatedAt: job.now,
    };
    statements.push(
      db.insert(bookingSeries).values({ id: seriesId, pageId: page.id, icsUid: to.icsUid, createdAt: job.now }),
      db.insert(bookings).values(to),
      ...claimStatements(db, to.id, loaded.hostIds, page, job.start, end),
    );
  }
  statements.push(db.update(bookingAttendees).set({ bookingId: to.id }).where(and(eq(bookingAttendees.id, attendee.id), eq(bookingAttendees.status, 'confirmed'))));
  const left = { ...from, icsSequence: from.icsSequence + 1 };
  if (from.attendeeCount <= 1) {
    // The last seat moving away cancels the old occurrence and frees the host's time. No reason
    // is stored: the booker gave none, and a stored sentence would be in one language for all.
    statements.push(
      db
        .update(bookings)
        .set({ status: 'cancelled', cancelledBy: 'booker', cancelReason: null, icsSequence: left.icsSequence, attendeeCount: 0, updatedAt: job.now })
        .where(eq(bookings.id, from.id)),
      db.delete(hostClaims).where(eq(hostClaims.bookingId, from.id)),
    );
  } else {
    statements.push(seatCountChange(db, from, -1, job.now).statement);
  }
  const link = await issueManageToken(db, { attendeeId: attendee.id }, job.now);
  statements.push(link.statement);
  const outboxIds = queueInto(db, statements, [
    emailFor('booking_confirmation', { page, occurrence: to, bookingId: to.id, primary: hosts[0], hosts }, attendee, {
      manageUrl: manageUrlFor(env, page.slug, link.token),
      ics: 'REQUEST',
      now: job.now,
    }),
    emailFor('cancellation_booker', { page, occurrence: left, bookingId: from.id, primary: hosts[0], hosts }, attendee, { moved: {}, ics: 'CANCEL', now: job.now }),
    emailFor('booker_rescheduled', { page, occurrence: to, bookingId: to.id, primary: hosts[0], hosts }, { ...hosts[0], timezone: null }, { bookerName: attendee.name, bookerEmail: attendee.email, now: job.now }),
  ], job.now);
  statements.push(
    ...eventStatements(db, { type: 'booking.rescheduled', bookingId: to.id, fromBookingId: from.id, previous: { start: from.startAt, end: from.endAt }, attendeeId: attendee.id, now: job.now }),
  );
  const failure = await commit(db, statements);
  if (failure) {
    await meet?.undo();
    return failure;
  }
  // The new time's guest list gains the booker; the old one loses them, or goes when empty.
  const calendar: CalendarFollowUp[] = meet ? [] : attendeesFollowUp(to, hosts[0]);
  if (from.calendarEventId)
    calendar.push(
      from.attendeeCount <= 1
        ? { action: 'cancel', bookingId: from.id, hostEmail: hosts[0].email, eventId: from.calendarEventId }
        : { action: 'attendees', bookingId: from.id, hostEmail: hosts[0].email, eventId: from.calendarEventId },
    );
  return { ok: true, bookingId: to.id, attendeeId: attendee.id, outboxIds, calendar };
}

/** Runs a job against D1. Called by the last Durable Object in the host chain. */
export async function executeReservation(env: Bindings, job: ReservationJob): Promise<ReservationResult> {
  const db = getDb(env.DB);
  try {
    switch (job.kind) {
      case 'book':
        return await book(env, db, job);
      case 'reschedule':
        return await reschedule(env, db, job);
      case 'cancel':
        return await cancel(db, job);
      case 'leave_seat':
        return await leaveSeat(db, job);
      case 'move_seat':
        return await moveSeat(env, db, job);
    }
  } catch (error) {
    console.error('reservation failed', error);
    return fail('internal', 'Could not save the booking, try again');
  }
}
