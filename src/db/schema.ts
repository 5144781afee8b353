/**
 * The whole data model. Times are integers: epoch milliseconds in UTC. Wall-clock
 * times (working hours) are minutes since local midnight in the owner's timezone.
 * Each index names the query it serves.
 */
import { sql } from 'drizzle-orm';
import type { Locale } from '../domain/locales';
import { SCOPES, type Scope } from '../domain/permissions';
import type { Question } from '../domain/questions';
import { BOOKING_STATUSES, type BookingStatus } from '../domain/booking-status';
import { MESSAGE_STATUSES, WORKFLOW_ACTIONS, WORKFLOW_TRIGGERS } from '../domain/workflows';
import { DELIVERY_STATUSES } from '../webhooks/vocab';
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

// The vocabularies live in domain/ (which imports nothing from db/); the schema stores them.
export { BOOKING_STATUSES, SCOPES, type BookingStatus, type Question, type Scope };

export const teams = sqliteTable('teams', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
});

/** Role → the three scheduler permissions, each a scope or null (not granted). */
export const roles = sqliteTable('roles', {
  name: text('name').primaryKey(),
  viewScope: text('view_scope', { enum: SCOPES }),
  editScope: text('edit_scope', { enum: SCOPES }),
  deleteScope: text('delete_scope', { enum: SCOPES }),
});

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    timezone: text('timezone').notNull(),
    locale: text('locale').$type<Locale>().notNull().default('en'),
    teamId: integer('team_id').references(() => teams.id),
    role: text('role')
      .notNull()
      .references(() => roles.name),
  },
  (t) => [
    // login by email
    uniqueIndex('users_email_unique').on(t.email),
    // team scope: "hosts in my team"
    index('users_team_idx').on(t.teamId),
  ],
);

/**
 * Signed-in sessions: the session token (a signed JWT) names its row by `jti`, so signing out
 * ends that token at once instead of at its expiry. The id alone is no credential: a token
 * also needs the server's signature.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  // the cron prunes expired sessions
  (t) => [index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Invitation links (`/set-password/<token>`, migration 0011): only the SHA-256 of a 128-bit
 * token is stored. Used once (used_at set in the batch that sets the password), dead at expiry.
 */
export const setPasswordTokens = sqliteTable(
  'set_password_tokens',
  {
    hash: text('hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  // a user's tokens: invitation status on the Team page; a re-invite revokes the unused ones
  (t) => [index('set_password_tokens_user_idx').on(t.userId, t.usedAt)],
);

export const availabilityRules = sqliteTable(
  'availability_rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    day: integer('day').notNull(), // 0 = Sunday … 6 = Saturday
    startMinute: integer('start_minute').notNull(),
    endMinute: integer('end_minute').notNull(),
  },
  // slot engine: a host's weekly hours
  (t) => [index('availability_rules_user_idx').on(t.userId, t.day)],
);

export const availabilityOverrides = sqliteTable(
  'availability_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    date: text('date').notNull(), // YYYY-MM-DD in the user's timezone
    startMinute: integer('start_minute'),
    endMinute: integer('end_minute'),
    unavailable: integer('unavailable', { mode: 'boolean' }).notNull().default(false),
  },
  // slot engine: a host's overrides within the window
  (t) => [index('availability_overrides_user_date_idx').on(t.userId, t.date)],
);

export const LOCATION_TYPES = ['google_meet', 'zoom', 'phone', 'in_person', 'custom'] as const;
export const STRATEGIES = ['individual', 'round_robin', 'collective', 'group'] as const;

export const schedulingPages = sqliteTable(
  'scheduling_pages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    durationMinutes: integer('duration_minutes').notNull(),
    timezone: text('timezone').notNull(),
    locationType: text('location_type', { enum: LOCATION_TYPES }).notNull(),
    locationValue: text('location_value'),
    strategy: text('strategy', { enum: STRATEGIES }).notNull(),
    groupCapacity: integer('group_capacity'),
    slotIntervalMinutes: integer('slot_interval_minutes').notNull(),
    minimumNoticeMinutes: integer('minimum_notice_minutes').notNull().default(0),
    horizonDays: integer('horizon_days').notNull().default(60),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    questions: text('questions', { mode: 'json' }).$type<Question[]>().notNull().default([]),
    briefingEnabled: integer('briefing_enabled', { mode: 'boolean' }).notNull().default(true),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    // set by DELETE: gone from lists and the API; bookings still point at the row
    deletedAt: integer('deleted_at'),
    createdAt: integer('created_at').notNull(),
  },
  // public booking page by slug
  (t) => [uniqueIndex('scheduling_pages_slug_unique').on(t.slug)],
);

export const pageHosts = sqliteTable(
  'page_hosts',
  {
    pageId: integer('page_id')
      .notNull()
      .references(() => schedulingPages.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    weight: integer('weight').notNull().default(1),
  },
  // hosts of a page; the reverse index lists a user's pages
  (t) => [primaryKey({ columns: [t.pageId, t.userId] }), index('page_hosts_user_idx').on(t.userId)],
);

/**
 * Slugs a page had before a rename: `/b/<old>` and its manage links answer 301 to the page's
 * slug now (A→B→C: both A and B name the page, so they lead to C). An old slug stays its page's:
 * triggers (migration 0009) refuse it to any other page, so an emailed link never lands elsewhere.
 */
export const slugHistory = sqliteTable('slug_history', {
  // the redirect lookup by old slug
  slug: text('slug').primaryKey(),
  pageId: integer('page_id')
    .notNull()
    .references(() => schedulingPages.id),
  createdAt: integer('created_at').notNull(),
});

/** Round robin: when each host of a page was last assigned (the rotation cursor). */
export const roundRobinCursors = sqliteTable(
  'round_robin_cursors',
  {
    pageId: integer('page_id')
      .notNull()
      .references(() => schedulingPages.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    lastAssignedAt: integer('last_assigned_at').notNull(),
    /** Monotonic per page, so two assignments in the same millisecond still order. */
    rotation: integer('rotation').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pageId, t.userId] })],
);

export const persons = sqliteTable(
  'persons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    lifecycleStage: text('lifecycle_stage').notNull().default('lead'),
    lifecycleMeta: text('lifecycle_meta', { mode: 'json' })
      .$type<{ attendedCount: number; noShowCount: number; lastNoShowAt: string | null }>()
      .notNull()
      .default({ attendedCount: 0, noShowCount: 0, lastNoShowAt: null }),
    createdAt: integer('created_at').notNull(),
    /** CRM visibility follows the owner (the host of the booking that created them); NULL = scope `all` only. */
    ownerId: integer('owner_id').references(() => users.id),
  },
  // link a booking to the person with the booker's email
  (t) => [uniqueIndex('persons_email_unique').on(t.email)],
);

export const activities = sqliteTable(
  'activities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    kind: text('kind').notNull(),
    summary: text('summary').notNull(),
    bookingId: text('booking_id'),
    occurredAt: integer('occurred_at').notNull(),
  },
  // briefing: a person's recent activities
  (t) => [index('activities_person_time_idx').on(t.personId, t.occurredAt)],
);

export const opportunities = sqliteTable(
  'opportunities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    personId: integer('person_id')
      .notNull()
      .references(() => persons.id),
    name: text('name').notNull(),
    stage: text('stage').notNull(),
    amount: real('amount').notNull().default(0),
    status: text('status', { enum: ['open', 'won', 'lost'] }).notNull().default('open'),
  },
  // briefing: a person's open opportunities
  (t) => [index('opportunities_person_status_idx').on(t.personId, t.status)],
);

/** A meeting across its reschedules: every occurrence shares the ICS UID. */
export const bookingSeries = sqliteTable('booking_series', {
  id: text('id').primaryKey(),
  pageId: integer('page_id')
    .notNull()
    .references(() => schedulingPages.id),
  icsUid: text('ics_uid').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const bookings = sqliteTable(
  'bookings',
  {
    id: text('id').primaryKey(),
    seriesId: text('series_id')
      .notNull()
      .references(() => bookingSeries.id),
    pageId: integer('page_id')
      .notNull()
      .references(() => schedulingPages.id),
    hostId: integer('host_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: BOOKING_STATUSES }).notNull(),
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at').notNull(),
    timezone: text('timezone').notNull(),
    bookerName: text('booker_name').notNull(),
    bookerEmail: text('booker_email').notNull(),
    bookerPhone: text('booker_phone'),
    bookerTimezone: text('booker_timezone'),
    bookerLocale: text('booker_locale').$type<Locale>().notNull().default('en'),
    notes: text('notes'),
    answers: text('answers', { mode: 'json' }).$type<Record<string, string | boolean>>().notNull().default({}),
    locationType: text('location_type', { enum: LOCATION_TYPES }).notNull(),
    locationValue: text('location_value'),
    meetingUrl: text('meeting_url'),
    personId: integer('person_id').references(() => persons.id),
    /** Group pages: seats taken, never above capacity (the CHECK below). */
    attendeeCount: integer('attendee_count').notNull().default(1),
    capacity: integer('capacity').notNull().default(1),
    attendance: text('attendance', { enum: ['attended', 'no_show'] }),
    cancelReason: text('cancel_reason'),
    cancelledBy: text('cancelled_by', { enum: ['booker', 'host'] }),
    hostMessage: text('host_message'),
    icsUid: text('ics_uid').notNull(),
    icsSequence: integer('ics_sequence').notNull().default(0),
    briefingSentAt: integer('briefing_sent_at'),
    calendarEventId: text('calendar_event_id'),
    calendarStatus: text('calendar_status'),
    calendarError: text('calendar_error'),
    emailStatus: text('email_status', { enum: ['pending', 'sent', 'failed'] }),
    emailAttempts: integer('email_attempts').notNull().default(0),
    emailLastError: text('email_last_error'),
    emailProviderId: text('email_provider_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    check('bookings_capacity_check', sql`${t.attendeeCount} <= ${t.capacity}`),
    check('bookings_interval_check', sql`${t.endAt} > ${t.startAt}`),
    // tabs (scope all): status + start order, id as the keyset tiebreak; the briefing sweep's
    // one-hour range of confirmed bookings
    index('bookings_status_start_idx').on(t.status, t.startAt, t.id),
    // series history (reschedules)
    index('bookings_series_idx').on(t.seriesId),
    // group: the occurrence of a page at a start
    index('bookings_page_start_idx').on(t.pageId, t.startAt),
    // Bookings page: the page filter and the Past tab's attendance filter, in tab order (migration 0012)
    index('bookings_page_status_start_idx').on(t.pageId, t.status, t.startAt, t.id),
    index('bookings_status_attendance_start_idx').on(t.status, t.attendance, t.startAt, t.id),
    // search index upkeep: a person's bookings when their name changes
    index('bookings_person_idx').on(t.personId),
  ],
);

/** Every host of a booking (collective: all of them). Drives the own/team scope filter. */
/** Bookings per status and UTC day (migration 0014, kept by triggers): organization-wide tab counts. */
export const bookingDayCounts = sqliteTable(
  'booking_day_counts',
  { status: text('status').notNull(), day: integer('day').notNull(), n: integer('n').notNull() },
  (t) => [primaryKey({ columns: [t.status, t.day] })],
);

export const bookingHosts = sqliteTable(
  'booking_hosts',
  {
    bookingId: text('booking_id')
      .notNull()
      .references(() => bookings.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** Copies of the booking's status and start, kept by triggers (migration 0012), for the index below. */
    status: text('status', { enum: BOOKING_STATUSES }),
    startAt: integer('start_at'),
  },
  // scope filter: EXISTS (booking, host) — the PK serves it; the Bookings page's host filter and
  // scope own: a host's bookings in tab order
  (t) => [
    primaryKey({ columns: [t.bookingId, t.userId] }),
    index('booking_hosts_user_idx').on(t.userId),
    index('booking_hosts_user_tab_idx').on(t.userId, t.status, t.startAt, t.bookingId),
  ],
);

/**
 * Time a confirmed booking holds on a host: its buffered interval, [start − bufferBefore,
 * end + bufferAfter] of its own page (migration 0006). A trigger (see the migrations) aborts any
 * insert that overlaps another claim of the same host, so D1 itself rules out double booking
 * and buffered overlap. Rows are deleted when the booking stops being confirmed.
 */
export const hostClaims = sqliteTable(
  'host_claims',
  {
    bookingId: text('booking_id')
      .notNull()
      .references(() => bookings.id),
    hostId: integer('host_id')
      .notNull()
      .references(() => users.id),
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at').notNull(),
  },
  (t) => [
    // the overlap trigger looks back one day, so no claim may be longer (720-minute meetings
    // plus two 240-minute buffers fit)
    check('host_claims_length_check', sql`${t.endAt} > ${t.startAt} AND ${t.endAt} - ${t.startAt} <= 86400000`),
    primaryKey({ columns: [t.bookingId, t.hostId] }),
    // overlap trigger and slot engine: a host's claims around a time
    index('host_claims_host_start_idx').on(t.hostId, t.startAt),
  ],
);

/** Group pages: one row per booker of an occurrence, each with manage tokens of their own. */
export const bookingAttendees = sqliteTable(
  'booking_attendees',
  {
    id: text('id').primaryKey(),
    bookingId: text('booking_id')
      .notNull()
      .references(() => bookings.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    phone: text('phone'),
    timezone: text('timezone'),
    locale: text('locale').$type<Locale>().notNull().default('en'),
    notes: text('notes'),
    answers: text('answers', { mode: 'json' }).$type<Record<string, string | boolean>>().notNull().default({}),
    personId: integer('person_id').references(() => persons.id),
    status: text('status', { enum: ['confirmed', 'cancelled'] }).notNull().default('confirmed'),
    attendance: text('attendance', { enum: ['attended', 'no_show'] }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    // an occurrence's attendees
    index('booking_attendees_booking_idx').on(t.bookingId),
    // search index upkeep: a person's seats when their name changes
    index('booking_attendees_person_idx').on(t.personId),
  ],
);

/**
 * Bookers' manage links, as SHA-256 hashes of their tokens only. A token belongs to a series
 * (so it keeps working across reschedules) or to a group seat. Every booker email that offers
 * the link carries a token of its own; regenerating the link deletes every token of the series
 * or seat, so the old links die at once.
 */
export const manageTokens = sqliteTable(
  'manage_tokens',
  {
    hash: text('hash').primaryKey(),
    seriesId: text('series_id').references(() => bookingSeries.id),
    attendeeId: text('attendee_id').references(() => bookingAttendees.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    check('manage_tokens_owner_check', sql`(${t.seriesId} IS NULL) <> (${t.attendeeId} IS NULL)`),
    // regenerate: every token of a series
    index('manage_tokens_series_idx').on(t.seriesId),
    // regenerate: every token of a group seat
    index('manage_tokens_attendee_idx').on(t.attendeeId),
  ],
);

export const outbox = sqliteTable(
  'email_outbox',
  {
    id: text('id').primaryKey(),
    bookingId: text('booking_id').references(() => bookings.id),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    textBody: text('text_body').notNull(),
    icsMethod: text('ics_method'),
    ics: text('ics'),
    // skipped: a briefing whose booking was cancelled or moved before it went out, or a reminder
    // due before the booking was made; cancelled: a workflow message whose booking was cancelled
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    // a workflow's message (migration 0015), for a group seat that attendee's
    workflowId: integer('workflow_id').references(() => workflows.id),
    attendeeId: text('attendee_id'),
    // when it is due (a reminder's time; null: when queued), while next_attempt_at follows retries
    dueAt: integer('due_at'),
  },
  (t) => [
    // retry sweep: pending rows that are due
    index('email_outbox_due_idx').on(t.status, t.nextAttemptAt),
    // delivery audit of a booking
    index('email_outbox_booking_idx').on(t.bookingId),
    // one message per workflow, booking, seat and recipient
    uniqueIndex('email_outbox_workflow_once_idx')
      .on(t.workflowId, t.bookingId, sql`coalesce(${t.attendeeId}, '')`, t.toAddress)
      .where(sql`${t.workflowId} IS NOT NULL AND ${t.status} <> 'cancelled'`),
  ],
);

/** A delivery's claim on an outbox row (migration 0017; src/email/claim.ts). */
export const outboxLeases = sqliteTable(
  'email_outbox_leases',
  {
    outboxId: text('outbox_id').primaryKey(),
    until: integer('until').notNull(),
    taken: integer('taken').notNull().default(1),
    bookingId: text('booking_id'),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    attempts: integer('attempts').notNull(),
    fresh: integer('fresh').notNull(),
  },
  (t) => [index('email_outbox_leases_until_idx').on(t.until)],
);

/** Workflows (SPEC 11, migration 0015): subject/body null = the catalogue's text in the recipient's language. */
export const workflows = sqliteTable(
  'workflows',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pageId: integer('page_id')
      .notNull()
      .references(() => schedulingPages.id),
    name: text('name').notNull(),
    trigger: text('trigger', { enum: WORKFLOW_TRIGGERS }).notNull(),
    offsetMinutes: integer('offset_minutes'),
    action: text('action', { enum: WORKFLOW_ACTIONS }).notNull(),
    toAddress: text('to_address'),
    subject: text('subject'),
    body: text('body'),
    webhookId: text('webhook_id'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    deletedAt: integer('deleted_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // a page's workflows for one trigger
  (t) => [index('workflows_page_trigger_idx').on(t.pageId, t.trigger)],
);

/**
 * Outgoing webhooks (SPEC 12, migration 0016). ownerId null: an organization endpoint; else a
 * personal one (bookings in the owner's view scope). The secret signs, so it is kept readable.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
    ownerId: integer('owner_id').references(() => users.id),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    // 'gone': the receiver answered 410, which disables the endpoint
    disabledReason: text('disabled_reason'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: integer('previous_secret_expires_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  // a booking change's matching endpoints and a user's own list
  (t) => [index('webhook_endpoints_live_idx').on(t.ownerId).where(sql`${t.deletedAt} IS NULL`)],
);

/** One message to one endpoint; id is its `webhook-id`. payload is composed at the first attempt and kept. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    eventId: text('event_id'),
    eventType: text('event_type').notNull(),
    bookingId: text('booking_id').references(() => bookings.id),
    workflowId: integer('workflow_id').references(() => workflows.id),
    timed: integer('timed', { mode: 'boolean' }).notNull().default(false),
    extra: text('extra', { mode: 'json' }).$type<Record<string, unknown>>(),
    payload: text('payload'),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    dueAt: integer('due_at').notNull(),
    nextAttemptAt: integer('next_attempt_at'),
    reason: text('reason'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // the sweep: pending deliveries that are due
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    // an endpoint's log, newest first (keyset)
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt, t.id),
    // a booking's deliveries (send after its change; cancel or move timed ones)
    index('webhook_deliveries_booking_idx').on(t.bookingId),
    // the 30-day prune
    index('webhook_deliveries_created_idx').on(t.createdAt),
    uniqueIndex('webhook_deliveries_once_idx')
      .on(t.eventId, t.endpointId, sql`coalesce(${t.workflowId}, 0)`)
      .where(sql`${t.eventId} IS NOT NULL`),
    uniqueIndex('webhook_deliveries_timed_once_idx').on(t.workflowId, t.bookingId).where(sql`${t.timed} = 1`),
  ],
);

/** Every attempt to send a delivery: HTTP status (null: none came), duration, ≤ 1 KB of the answer or the error. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: text('delivery_id').notNull(),
    at: integer('at').notNull(),
    status: integer('status'),
    durationMs: integer('duration_ms').notNull(),
    response: text('response'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.at), index('webhook_attempts_at_idx').on(t.at)],
);

/** Abuse controls (migration 0008, services/abuse-*.ts): the blocklist, its refusals, sign-in failures. */
export const blocklistEntries = sqliteTable('blocklist_entries', {
  // 'x@y.z' or '*@domain': a booking email is looked up as itself and as its domain
  pattern: text('pattern').primaryKey(),
});

export const blockedAttempts = sqliteTable(
  'blocked_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    entry: text('entry').notNull(),
    pageSlug: text('page_slug').notNull(),
    clientIp: text('client_ip').notNull(),
    at: integer('at').notNull(),
  },
  // admins' recent refusals, newest first; pruning old ones
  (t) => [index('blocked_attempts_at_idx').on(t.at)],
);

export const loginFailures = sqliteTable(
  'login_failures',
  {
    email: text('email').primaryKey(),
    windowStart: integer('window_start').notNull(),
    failures: integer('failures').notNull(),
  },
  // pruning windows that are over
  (t) => [index('login_failures_window_idx').on(t.windowStart)],
);

export type User = typeof users.$inferSelect;
export type SchedulingPage = typeof schedulingPages.$inferSelect;
export type Booking = typeof bookings.$inferSelect;
export type Person = typeof persons.$inferSelect;
export type Workflow = typeof workflows.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
