/**
 * Dev seed as plain SQL, so the same statements run through `wrangler d1 execute` (npm run
 * db:setup) and through env.DB in tests. Idempotent: fixed ids and INSERT OR IGNORE.
 * Imported by a Node script too, hence the explicit .ts extensions.
 */
import { hashPassword } from '../domain/password.ts';
import { hashToken, newManageToken } from '../domain/tokens.ts';

export const SEED_PASSWORD = 'demo-password';

export class SeedRefused extends Error {}

export function assertSeedAllowed(environment: string | undefined, remote = false): void {
  if (remote || (environment !== 'development' && environment !== 'test')) {
    throw new SeedRefused(
      `The seed only runs against local development or test databases (ENVIRONMENT=${environment ?? 'unset'}${remote ? ', remote' : ''}).`,
    );
  }
}

type Value = string | number | boolean | null;

export function sqlLiteral(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('non-finite number in seed');
    return String(v);
  }
  return `'${v.replace(/'/g, "''")}'`;
}

/** A random manage token's hash for a series or seat, once however often the seed runs. */
async function seedToken(column: 'series_id' | 'attendee_id', owner: string, createdAt: number): Promise<string> {
  const hash = await hashToken(newManageToken());
  return (
    `INSERT INTO manage_tokens (hash, ${column}, created_at) SELECT ${sqlLiteral(hash)}, ${sqlLiteral(owner)}, ${createdAt} ` +
    `WHERE NOT EXISTS (SELECT 1 FROM manage_tokens WHERE ${column} = ${sqlLiteral(owner)});`
  );
}

function insert(table: string, row: Record<string, Value>): string {
  const cols = Object.keys(row);
  return `INSERT OR IGNORE INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols
    .map((c) => sqlLiteral(row[c]))
    .join(', ')});`;
}

export const SEED_USERS = [
  { id: 1, name: 'Ada Admin', email: 'admin@example.com', role: 'admin', team_id: null, timezone: 'America/New_York' },
  { id: 2, name: 'Maya Manager', email: 'manager@example.com', role: 'sales_manager', team_id: 1, timezone: 'America/New_York' },
  { id: 3, name: 'Ravi Rep', email: 'rep1@example.com', role: 'sales_rep', team_id: 1, timezone: 'America/New_York' },
  { id: 4, name: 'Rosa Rep', email: 'rep2@example.com', role: 'sales_rep', team_id: 1, timezone: 'America/New_York' },
  { id: 5, name: 'Vic Viewer', email: 'viewer@example.com', role: 'viewer', team_id: 1, timezone: 'America/New_York' },
  { id: 6, name: 'Jonas Rep', email: 'rep3@example.com', role: 'sales_rep', team_id: 2, timezone: 'Europe/Berlin' },
] as const;

const PAGES = [
  { id: 1, slug: 'ravi-intro', owner_id: 3, title: 'Intro call with Ravi', duration_minutes: 30, timezone: 'America/New_York', location_type: 'google_meet', location_value: null, strategy: 'individual', group_capacity: null, hosts: [[3, 1]] },
  { id: 2, slug: 'rosa-demo', owner_id: 4, title: 'Product demo', duration_minutes: 45, timezone: 'America/New_York', location_type: 'zoom', location_value: 'https://zoom.us/j/5550001111', strategy: 'individual', group_capacity: null, hosts: [[4, 1]] },
  { id: 3, slug: 'west-sales', owner_id: 2, title: 'Talk to sales', duration_minutes: 30, timezone: 'America/New_York', location_type: 'phone', location_value: '+1 555 0100', strategy: 'round_robin', group_capacity: null, hosts: [[3, 2], [4, 1]] },
  { id: 4, slug: 'deal-review', owner_id: 2, title: 'Deal review', duration_minutes: 60, timezone: 'America/New_York', location_type: 'in_person', location_value: 'HQ, 5th floor', strategy: 'collective', group_capacity: null, hosts: [[2, 1], [3, 1]] },
  { id: 5, slug: 'west-webinar', owner_id: 4, title: 'Onboarding webinar', duration_minutes: 60, timezone: 'America/New_York', location_type: 'custom', location_value: 'https://example.com/webinar', strategy: 'group', group_capacity: 10, hosts: [[4, 1]] },
  { id: 6, slug: 'jonas-beratung', owner_id: 6, title: 'Beratung mit Jonas', duration_minutes: 30, timezone: 'Europe/Berlin', location_type: 'google_meet', location_value: null, strategy: 'individual', group_capacity: null, hosts: [[6, 1]] },
] as const;

/** Each with an owner (CRM visibility follows them): the West reps and manager, and Jonas (East) for Dieter. */
const PERSONS = [
  { id: 1, email: 'alice@acme.test', name: 'Alice Carter', phone: '+1 555 0101', stage: 'opportunity', owner: 3 },
  { id: 2, email: 'bob@globex.test', name: 'Bob Nguyen', phone: null, stage: 'lead', owner: 4 },
  { id: 3, email: 'carol@initech.test', name: 'Carol Diaz', phone: '+1 555 0103', stage: 'customer', owner: 2 },
  { id: 4, email: 'dieter@beispiel.test', name: 'Dieter Braun', phone: null, stage: 'lead', owner: 6 },
  { id: 5, email: 'erin@umbrella.test', name: 'Erin Park', phone: null, stage: 'marketing_qualified', owner: 4 },
];

type SeedBooking = {
  id: string;
  series: string;
  page: number;
  hosts: number[];
  status: 'confirmed' | 'cancelled' | 'rescheduled';
  day: number; // days from today (UTC)
  hour: number; // UTC hour
  person: number;
  seq?: number;
  attendance?: 'attended' | 'no_show';
  cancel?: { reason: string; by: 'booker' | 'host' };
  attendees?: number[];
};

/** Bookings in every tab, relative to the day the seed runs. */
export const SEED_BOOKINGS: SeedBooking[] = [
  { id: 'seed-b01', series: 'seed-s01', page: 1, hosts: [3], status: 'confirmed', day: 1, hour: 15, person: 1 },
  { id: 'seed-b02', series: 'seed-s02', page: 3, hosts: [4], status: 'confirmed', day: 2, hour: 15, person: 2 },
  { id: 'seed-b03', series: 'seed-s03', page: 4, hosts: [2, 3], status: 'confirmed', day: 3, hour: 16, person: 3 },
  { id: 'seed-b04', series: 'seed-s04', page: 5, hosts: [4], status: 'confirmed', day: 4, hour: 17, person: 1, attendees: [1, 2, 5] },
  { id: 'seed-b05', series: 'seed-s05', page: 6, hosts: [6], status: 'confirmed', day: 2, hour: 9, person: 4 },
  { id: 'seed-b06', series: 'seed-s06', page: 1, hosts: [3], status: 'confirmed', day: -2, hour: 15, person: 1, attendance: 'attended' },
  { id: 'seed-b07', series: 'seed-s07', page: 2, hosts: [4], status: 'confirmed', day: -3, hour: 15, person: 5 },
  { id: 'seed-b08', series: 'seed-s08', page: 6, hosts: [6], status: 'confirmed', day: -1, hour: 9, person: 4 },
  { id: 'seed-b09', series: 'seed-s09', page: 1, hosts: [3], status: 'cancelled', day: 5, hour: 15, person: 2, cancel: { reason: 'Something came up', by: 'booker' } },
  { id: 'seed-b10', series: 'seed-s10', page: 2, hosts: [4], status: 'cancelled', day: -4, hour: 16, person: 3, cancel: { reason: 'Host out sick', by: 'host' } },
  { id: 'seed-b11', series: 'seed-s11', page: 1, hosts: [3], status: 'rescheduled', day: 6, hour: 15, person: 5, seq: 0 },
  { id: 'seed-b12', series: 'seed-s11', page: 1, hosts: [3], status: 'confirmed', day: 6, hour: 18, person: 5, seq: 1 },
];

/**
 * The default workflows of src/workflows/defaults.ts (DEFAULT_WORKFLOWS), which Node cannot load
 * here (it imports the drizzle schema without file extensions); test/workflows/seed.test.ts
 * keeps the two equal.
 */
export const SEED_DEFAULT_WORKFLOWS = [
  { name: 'Reminder 24 hours before', trigger: 'before_start', offsetMinutes: 1440, action: 'email_booker', active: true },
  { name: 'Reminder 1 hour before', trigger: 'before_start', offsetMinutes: 60, action: 'email_booker', active: true },
  { name: 'We missed you', trigger: 'marked_no_show', offsetMinutes: null, action: 'email_booker', active: false },
] as const;

/** A seeded page's default workflow, once however often the seed runs (ids are the table's own). */
const defaultWorkflow = (pageId: number, w: (typeof SEED_DEFAULT_WORKFLOWS)[number], at: number) =>
  `INSERT INTO workflows (page_id, name, trigger, offset_minutes, action, active, created_at, updated_at) ` +
  `SELECT ${pageId}, ${sqlLiteral(w.name)}, ${sqlLiteral(w.trigger)}, ${sqlLiteral(w.offsetMinutes)}, ${sqlLiteral(w.action)}, ${sqlLiteral(w.active)}, ${at}, ${at} ` +
  `WHERE NOT EXISTS (SELECT 1 FROM workflows WHERE page_id = ${pageId} AND name = ${sqlLiteral(w.name)});`;

/**
 * `workflows`: give the seeded pages the defaults a new page gets (on for `npm run dev`, so its
 * demo pages remind like real ones; off for the workers tests, whose fixtures predate them).
 */
export async function seedStatements(opts: { environment: string | undefined; now: Date; remote?: boolean; workflows?: boolean }): Promise<string[]> {
  assertSeedAllowed(opts.environment, opts.remote);
  const out: string[] = [];
  const createdAt = opts.now.getTime() - 14 * 86_400_000;
  const passwordHash = await hashPassword(SEED_PASSWORD);

  out.push(insert('teams', { id: 1, name: 'West' }), insert('teams', { id: 2, name: 'East' }));
  for (const u of SEED_USERS) {
    out.push(insert('users', { ...u, password_hash: passwordHash }));
    for (let day = 1; day <= 5; day++) {
      out.push(insert('availability_rules', { id: u.id * 10 + day, user_id: u.id, day, start_minute: 540, end_minute: 1020 }));
    }
  }
  const withWorkflows = opts.workflows ?? opts.environment === 'development';
  for (const p of PAGES) {
    const { hosts, ...page } = p;
    out.push(
      insert('scheduling_pages', {
        ...page,
        description: `${p.title}. Pick a time that suits you.`,
        slot_interval_minutes: p.duration_minutes,
        minimum_notice_minutes: 60,
        horizon_days: 60,
        buffer_before_minutes: 0,
        buffer_after_minutes: 0,
        questions: JSON.stringify(
          p.id === 1
            ? [{ id: 'company', label: 'Company', type: 'text', required: true }]
            : p.id === 2
              ? [{ id: 'size', label: 'Team size', type: 'select', required: false, options: ['1-10', '11-50', '51+'] }]
              : [],
        ),
        briefing_enabled: true,
        active: true,
        created_at: createdAt,
      }),
    );
    for (const [userId, weight] of hosts) out.push(insert('page_hosts', { page_id: p.id, user_id: userId, weight }));
    if (withWorkflows) for (const w of SEED_DEFAULT_WORKFLOWS) out.push(defaultWorkflow(p.id, w, createdAt));
  }
  for (const person of PERSONS) {
    out.push(
      insert('persons', {
        id: person.id,
        email: person.email,
        name: person.name,
        phone: person.phone,
        lifecycle_stage: person.stage,
        lifecycle_meta: JSON.stringify({ attendedCount: person.id === 1 ? 1 : 0, noShowCount: 0, lastNoShowAt: null }),
        owner_id: person.owner,
        created_at: createdAt,
      }),
      insert('activities', { id: person.id * 10 + 1, person_id: person.id, kind: 'email', summary: `Sent pricing overview to ${person.name}`, booking_id: null, occurred_at: createdAt + 86_400_000 }),
      insert('activities', { id: person.id * 10 + 2, person_id: person.id, kind: 'call', summary: 'Discovery call: budget approved for Q1', booking_id: null, occurred_at: createdAt + 3 * 86_400_000 }),
      insert('opportunities', { id: person.id * 10 + 1, person_id: person.id, name: `${person.name.split(' ')[1]} expansion`, stage: 'proposal', amount: 12000 + person.id * 1000, status: 'open' }),
      insert('opportunities', { id: person.id * 10 + 2, person_id: person.id, name: 'Pilot', stage: 'closed', amount: 3000, status: 'won' }),
    );
  }

  const today = Date.UTC(opts.now.getUTCFullYear(), opts.now.getUTCMonth(), opts.now.getUTCDate());
  const seriesSeen = new Set<string>();
  for (const b of SEED_BOOKINGS) {
    const page = PAGES.find((p) => p.id === b.page)!;
    const person = PERSONS[b.person - 1];
    const start = today + b.day * 86_400_000 + b.hour * 3_600_000;
    const end = start + page.duration_minutes * 60_000;
    const uid = `${b.series}@bookings.example.com`;
    if (!seriesSeen.has(b.series)) {
      seriesSeen.add(b.series);
      out.push(insert('booking_series', { id: b.series, page_id: b.page, ics_uid: uid, created_at: createdAt }));
    }
    const hasToken = b.status !== 'rescheduled';
    const attendees = b.attendees ?? [];
    out.push(
      insert('bookings', {
        id: b.id,
        series_id: b.series,
        page_id: b.page,
        host_id: Math.min(...b.hosts),
        status: b.status,
        start_at: start,
        end_at: end,
        timezone: page.timezone,
        booker_name: person.name,
        booker_email: person.email,
        booker_phone: person.phone,
        booker_timezone: page.timezone,
        notes: b.id === 'seed-b01' ? 'Wants to talk about the enterprise plan.' : null,
        answers: JSON.stringify(b.page === 1 ? { company: person.email.split('@')[1].split('.')[0] } : {}),
        location_type: page.location_type,
        location_value: page.location_value,
        meeting_url: page.location_type === 'zoom' || page.location_type === 'custom' ? page.location_value : null,
        person_id: person.id,
        attendee_count: Math.max(1, attendees.length),
        capacity: page.group_capacity ?? 1,
        attendance: b.attendance ?? null,
        cancel_reason: b.cancel?.reason ?? null,
        cancelled_by: b.cancel?.by ?? null,
        ics_uid: uid,
        ics_sequence: b.seq ?? (b.status === 'cancelled' ? 1 : 0),
        email_status: 'sent',
        email_attempts: 1,
        created_at: createdAt,
        updated_at: createdAt,
      }),
    );
    // The newest occurrence of each series gets a manage link (nobody knows it: seeded bookers
    // manage nothing), group bookers one each.
    if (hasToken && attendees.length === 0) out.push(await seedToken('series_id', b.series, createdAt));
    for (const h of b.hosts) {
      out.push(insert('booking_hosts', { booking_id: b.id, user_id: h }));
      // Not OR IGNORE: the overlap trigger would abort a re-run on the existing claim itself.
      if (b.status === 'confirmed') {
        out.push(
          `INSERT INTO host_claims (booking_id, host_id, start_at, end_at) SELECT ${sqlLiteral(b.id)}, ${h}, ${start}, ${end} ` +
            `WHERE NOT EXISTS (SELECT 1 FROM host_claims WHERE booking_id = ${sqlLiteral(b.id)} AND host_id = ${h});`,
        );
      }
    }
    for (const [i, pid] of attendees.entries()) {
      const a = PERSONS[pid - 1];
      out.push(
        insert('booking_attendees', {
          id: `${b.id}-a${i + 1}`,
          booking_id: b.id,
          name: a.name,
          email: a.email,
          phone: a.phone,
          timezone: page.timezone,
          notes: null,
          answers: '{}',
          person_id: a.id,
          status: 'confirmed',
          created_at: createdAt,
        }),
      );
      out.push(await seedToken('attendee_id', `${b.id}-a${i + 1}`, createdAt));
    }
  }
  return out;
}
