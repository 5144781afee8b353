/**
 * Team administration (SPEC 9): inviting a user, sending a new invitation link, changing a
 * user's team, role or profile. Each change and its email commit in one batch; the email is
 * then sent at once (waitUntil), or by the cron's sweep if that does not finish.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Bindings } from '../env';
import { getDb, type Db } from '../db/client';
import { d1Statement } from '../db/batch';
import { roles, teams, users } from '../db/schema';
import { invitationStatus, issueSetPasswordToken } from '../db/set-password-tokens';
import { queueSetPasswordEmail, renderSetPasswordEmail } from '../email/set-password';
import { deliverOutbox } from '../email/delivery';
import { userWithinScope, type SessionUser } from '../domain/permissions';
import type { Locale } from '../domain/locales';
import type { Issue } from '../http/errors';

type UserRow = typeof users.$inferSelect;
export type TeamFailure = { ok: false; status: 400 | 403 | 404 | 409; message: string; issues?: Issue[] };
export type TeamResult = { ok: true; user: UserRow; outboxIds: string[] } | TeamFailure;

const fail = (status: TeamFailure['status'], message: string, issues?: Issue[]): TeamFailure => ({ ok: false, status, message, issues });
export const EMAIL_TAKEN = 'Already has an account';

/** Weekly hours a new user starts with (like the seed): Mon–Fri 09:00–17:00 in their zone, so they can host at once. */
const DEFAULT_WEEKDAYS = [1, 2, 3, 4, 5];
const DEFAULT_START = 9 * 60;
const DEFAULT_END = 17 * 60;

/**
 * A password hash no password matches: random bytes in the stored format, so signing in runs
 * the same PBKDF2 work as for any account (timing tells nothing) and always fails.
 */
function unusablePasswordHash(): string {
  const b64 = (n: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n))));
  return `pbkdf2$100000$${b64(16)}$${b64(32)}`;
}

const setPasswordLink = (env: Bindings, token: string) => `${env.APP_URL.replace(/\/+$/, '')}/set-password/${token}`;

/** Sends just-queued emails without holding up the response. */
export function deliverSoon(env: Bindings, waitUntil: (p: Promise<unknown>) => void, outboxIds: string[], now: number) {
  const task = deliverOutbox(env, outboxIds, now).catch((error) => console.error('invitation delivery', error));
  try {
    waitUntil(task);
  } catch {
    // No execution context (app.request in a unit test): the promise still runs.
  }
}

/** Issues for a team id and a role name that do not exist (both are foreign keys). */
async function referenceIssues(db: Db, teamId: number | null | undefined, role: string | undefined): Promise<Issue[]> {
  const [team, roleRow] = await db.batch([
    db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId ?? 0)).limit(1),
    db.select({ name: roles.name }).from(roles).where(eq(roles.name, role ?? '')).limit(1),
  ]);
  const issues: Issue[] = [];
  if (teamId != null && team.length === 0) issues.push({ path: ['teamId'], message: 'Unknown team', code: 'custom' });
  if (role !== undefined && roleRow.length === 0) issues.push({ path: ['role'], message: 'Unknown role', code: 'custom' });
  return issues;
}

const isEmailConflict = (error: unknown) => /UNIQUE constraint failed: users\.email/i.test(String((error as Error)?.message ?? error));

export type InviteInput = { name: string; email: string; teamId: number | null; role: string; timezone?: string; locale?: Locale };

/** Creates the user (no usable password, default hours) with a set-password link and its email, in one batch. */
export async function inviteUser(env: Bindings, admin: SessionUser, input: InviteInput, now: number): Promise<TeamResult> {
  const db = getDb(env.DB);
  const email = input.email.toLowerCase();
  const [issues, [existing]] = await Promise.all([
    referenceIssues(db, input.teamId, input.role),
    db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1),
  ]);
  if (existing) issues.unshift({ path: ['email'], message: EMAIL_TAKEN, code: 'custom' });
  if (issues.length) return fail(400, 'The request is not valid', issues);

  const timezone = input.timezone ?? admin.timezone;
  const locale = input.locale ?? 'en';
  const link = await issueSetPasswordToken(env.DB, email, now);
  const mail = queueSetPasswordEmail(
    db,
    email,
    renderSetPasswordEmail({ name: input.name, inviterName: admin.name, link: setPasswordLink(env, link.token), expiresAt: link.expiresAt, timezone, locale }),
    now,
  );
  const insertUser = db
    .insert(users)
    .values({ name: input.name, email, passwordHash: unusablePasswordHash(), timezone, locale, teamId: input.teamId, role: input.role })
    .returning();
  const days = sql.join(DEFAULT_WEEKDAYS.map((d) => sql`(${d})`), sql`, `);
  try {
    const [inserted] = await env.DB.batch([
      d1Statement(env.DB, insertUser),
      d1Statement(
        env.DB,
        sql`INSERT INTO availability_rules (user_id, day, start_minute, end_minute)
            SELECT u.id, d.column1, ${DEFAULT_START}, ${DEFAULT_END} FROM users u, (VALUES ${days}) d WHERE u.email = ${email}`,
      ),
      ...link.statements,
      d1Statement(env.DB, mail.statement),
    ]);
    const [row] = await db.select().from(users).where(eq(users.id, (inserted.results[0] as { id: number }).id));
    return { ok: true, user: row, outboxIds: [mail.id] };
  } catch (error) {
    // Two invitations of one address at once: the unique index settles it.
    if (isEmailConflict(error)) return fail(400, 'The request is not valid', [{ path: ['email'], message: EMAIL_TAKEN, code: 'custom' }]);
    throw error;
  }
}

/** A new link for a user who never set a password; their older links die in the same batch. */
export async function resendInvite(env: Bindings, admin: SessionUser, userId: number, now: number): Promise<TeamResult> {
  const db = getDb(env.DB);
  const [row] = await db.select({ user: users, status: invitationStatus(now) }).from(users).where(eq(users.id, userId)).limit(1);
  if (!row) return fail(404, 'User not found');
  if (row.status === 'active') return fail(409, 'This user has already set a password');
  const link = await issueSetPasswordToken(env.DB, row.user.email, now);
  const mail = queueSetPasswordEmail(
    db,
    row.user.email,
    renderSetPasswordEmail({ name: row.user.name, inviterName: admin.name, link: setPasswordLink(env, link.token), expiresAt: link.expiresAt, timezone: row.user.timezone, locale: row.user.locale }),
    now,
  );
  await env.DB.batch([...link.statements, d1Statement(env.DB, mail.statement)]);
  return { ok: true, user: row.user, outboxIds: [mail.id] };
}

export type UserChanges = { teamId?: number | null; role?: string; name?: string; timezone?: string; locale?: Locale };

/**
 * Admins change anyone's team, role, name, timezone and locale; everyone else only their own
 * name, timezone and locale. Nobody changes their own role (so nobody raises it, and the last
 * admin cannot demote themselves). Outside the actor's view scope → 404, inside but not
 * allowed → 403. A field sent with its current value is no change.
 */
export async function updateUser(env: Bindings, actor: SessionUser, userId: number, input: UserChanges): Promise<TeamResult> {
  const db = getDb(env.DB);
  const [target] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  const self = target?.id === actor.id;
  if (!target || (!self && !userWithinScope(actor, actor.permissions.view, target))) return fail(404, 'User not found');

  const changes = Object.fromEntries(
    Object.entries(input).filter(([key, value]) => value !== undefined && value !== target[key as keyof UserChanges]),
  ) as UserChanges;
  const admin = actor.role === 'admin';
  if (!admin && !self) return fail(403, 'Only admins change other users');
  if (self && changes.role !== undefined) return fail(403, 'You cannot change your own role');
  if (!admin && changes.teamId !== undefined) return fail(403, 'Only admins change teams');

  const issues = await referenceIssues(db, changes.teamId, changes.role);
  if (issues.length) return fail(400, 'The request is not valid', issues);
  if (Object.keys(changes).length === 0) return { ok: true, user: target, outboxIds: [] };
  const [updated] = await db.update(users).set(changes).where(eq(users.id, userId)).returning();
  return { ok: true, user: updated, outboxIds: [] };
}

/**
 * Everyone (the Team page is the admins', whose scope is the organization) with their team's name
 * and invitation status. Flat, uniquely named columns: a batch's rows come back keyed by column
 * name, so two `name`s would collide.
 */
export const teamMembersQuery = (db: Db, now: number) =>
  db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      teamId: users.teamId,
      role: users.role,
      teamName: sql<string | null>`${teams.name}`.as('team_name'),
      status: invitationStatus(now).as('invitation_status'),
    })
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .orderBy(asc(users.name), asc(users.id));

/** The members and the choices for the selects, in one batch. */
export async function teamListing(db: Db, now: number) {
  const [people, teamRows, roleRows] = await db.batch([
    teamMembersQuery(db, now),
    db.select().from(teams).orderBy(asc(teams.name)),
    db.select({ name: roles.name }).from(roles).orderBy(asc(roles.name)),
  ]);
  return { people, teams: teamRows, roles: roleRows.map((r) => r.name) };
}
