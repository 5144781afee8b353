/**
 * Workflows of a scheduling page (SPEC 11): list, create, change, delete, and a booking's
 * message timeline. The page's edit permission governs (its view scope without edit: 403;
 * outside it: 404). Each save and what it does to queued messages commit in one batch:
 * turning a workflow off or deleting it cancels its pending messages, a new offset re-times
 * them, and `applyToExisting` schedules it for the page's upcoming bookings (workflows/apply.ts).
 * Results are unions; the JSON API and /app/workflows both come through here.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Bindings } from '../env';
import { getDb } from '../db/client';
import { d1Statement } from '../db/batch';
import { bookings, outbox, workflows, type Workflow } from '../db/schema';
import { bookingScopeCondition } from '../db/scope';
import { cancelWorkflowStatement, retimeWorkflowStatement, settleRetimedStatement } from '../db/workflows';
import { cancelWorkflowDeliveriesStatement, retimeWorkflowDeliveriesStatements } from '../webhooks/workflow-action';
import type { SessionUser } from '../domain/permissions';
import {
  BODY_MAX, OFFSET_MAX, OFFSET_MIN, SUBJECT_MAX, TEMPLATE_VARIABLES, WORKFLOW_ACTIONS, WORKFLOW_TRIGGERS, isTimedTrigger, workflowIssues,
  type WorkflowShape,
} from '../domain/workflows';
import { ApiError, type Issue } from '../http/errors';
import { typedText } from '../http/schemas';
import { authorizePage } from './scheduling-pages';
import { applyToExistingStatements } from '../workflows/apply';
import { webhookProblem } from '../workflows/webhook-target';

export { TEMPLATE_VARIABLES };

const template = (max: number, multiline: boolean) => typedText(max, { multiline, optional: true }).nullable();
const fields = {
  name: typedText(100),
  trigger: z.enum(WORKFLOW_TRIGGERS),
  offsetMinutes: z.number().int().min(OFFSET_MIN, `At least ${OFFSET_MIN} minutes`).max(OFFSET_MAX, `At most ${OFFSET_MAX} minutes (30 days)`).nullable(),
  action: z.enum(WORKFLOW_ACTIONS),
  to: z.email('Enter an email address').max(254).nullable(),
  subject: template(SUBJECT_MAX, false),
  body: template(BODY_MAX, true),
  webhookId: z.string().min(1).max(64).nullable(),
  active: z.boolean(),
  applyToExisting: z.boolean(),
};
export const workflowBody = z.strictObject({
  ...fields,
  offsetMinutes: fields.offsetMinutes.optional(),
  to: fields.to.optional(),
  subject: fields.subject.optional(),
  body: fields.body.optional(),
  webhookId: fields.webhookId.optional(),
  active: fields.active.default(true),
  applyToExisting: fields.applyToExisting.default(false),
});
export const workflowPatch = z.strictObject(fields).partial();
export type WorkflowBody = z.infer<typeof workflowBody>;
export type WorkflowPatch = z.infer<typeof workflowPatch>;

export type WorkflowJson = {
  id: number; pageId: number; name: string; trigger: Workflow['trigger']; offsetMinutes: number | null; action: Workflow['action'];
  to: string | null; subject: string | null; body: string | null; webhookId: string | null; active: boolean; createdAt: string; updatedAt: string;
};
export type MessageJson = {
  id: string; kind: string; workflowId: number | null; workflowName: string | null; recipient: string; dueAt: string;
  status: string; attempts: number; lastError: string | null; sentAt: string | null;
};

type Denied = { ok: false; code: 'not_found' | 'forbidden' };
type Invalid = { ok: false; code: 'validation_failed'; issues: Issue[] };
export type WorkflowResult = { ok: true; workflow: WorkflowJson } | Denied | Invalid;

const iso = (ms: number) => new Date(ms).toISOString();
export const workflowJson = (w: Workflow): WorkflowJson => ({
  id: w.id, pageId: w.pageId, name: w.name, trigger: w.trigger, offsetMinutes: w.offsetMinutes, action: w.action, to: w.toAddress,
  subject: w.subject, body: w.body, webhookId: w.webhookId, active: w.active, createdAt: iso(w.createdAt), updatedAt: iso(w.updatedAt),
});

/** The page rule of services/scheduling-pages.ts as a result instead of a throw. */
async function pageFor(env: Bindings, user: SessionUser, pageId: number, permission: 'view' | 'edit'): Promise<Denied | null> {
  try {
    await authorizePage(getDb(env.DB), user, pageId, permission);
    return null;
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'not_found' || error.code === 'forbidden')) return { ok: false, code: error.code };
    throw error;
  }
}

export async function listPageWorkflows(env: Bindings, user: SessionUser, pageId: number): Promise<{ ok: true; workflows: WorkflowJson[] } | Denied> {
  const denied = await pageFor(env, user, pageId, 'view');
  if (denied) return denied;
  const rows = await getDb(env.DB).select().from(workflows).where(and(eq(workflows.pageId, pageId), isNull(workflows.deletedAt))).orderBy(asc(workflows.id));
  return { ok: true, workflows: rows.map(workflowJson) };
}

/** Empty templates mean the catalogue's text; a `to` or offset that does not belong is refused by workflowIssues. */
const normalized = (text: string | null | undefined) => (text ? text : null);

async function shapeIssues(env: Bindings, user: SessionUser, shape: WorkflowShape): Promise<Issue[]> {
  const issues: Issue[] = workflowIssues(shape);
  if (shape.action === 'webhook' && shape.webhookId) {
    const problem = await webhookProblem(env, user, shape.webhookId);
    if (problem) issues.push({ path: ['webhookId'], message: problem });
  }
  return issues;
}

export async function createWorkflow(env: Bindings, user: SessionUser, pageId: number, body: WorkflowBody, now = Date.now()): Promise<WorkflowResult> {
  const denied = await pageFor(env, user, pageId, 'edit');
  if (denied) return denied;
  const shape = { ...body, subject: normalized(body.subject), body: normalized(body.body), to: body.to ?? null, webhookId: body.webhookId ?? null };
  const issues = await shapeIssues(env, user, shape);
  if (issues.length) return { ok: false, code: 'validation_failed', issues };
  const db = getDb(env.DB);
  const insert = db.insert(workflows).values({
    pageId, name: body.name, trigger: body.trigger, offsetMinutes: body.offsetMinutes ?? null, action: body.action, toAddress: shape.to,
    subject: shape.subject, body: shape.body, webhookId: shape.webhookId, active: body.active, createdAt: now, updatedAt: now,
  }).returning();
  // The new row's id inside the same batch: ids only grow, and a batch runs alone.
  const newId = sql`(SELECT max(id) FROM workflows WHERE page_id = ${pageId})`;
  const apply = body.applyToExisting && body.active ? await applyToExistingStatements(env.DB, pageId, newId, body.trigger, body.action, now) : [];
  const [created] = await env.DB.batch([d1Statement(env.DB, insert), ...apply.map((q) => d1Statement(env.DB, q))]);
  const [row] = await db.select().from(workflows).where(eq(workflows.id, (created.results[0] as { id: number }).id));
  return { ok: true, workflow: workflowJson(row) };
}

async function loadOwn(env: Bindings, user: SessionUser, id: number): Promise<{ ok: true; row: Workflow } | Denied> {
  const [row] = await getDb(env.DB).select().from(workflows).where(eq(workflows.id, id));
  if (!row || row.deletedAt !== null) return { ok: false, code: 'not_found' };
  const denied = await pageFor(env, user, row.pageId, 'edit');
  return denied ?? { ok: true, row };
}

export async function updateWorkflow(env: Bindings, user: SessionUser, id: number, patch: WorkflowPatch, now = Date.now()): Promise<WorkflowResult> {
  const loaded = await loadOwn(env, user, id);
  if (!loaded.ok) return loaded;
  const old = loaded.row;
  const next = {
    name: patch.name ?? old.name,
    trigger: patch.trigger ?? old.trigger,
    offsetMinutes: patch.offsetMinutes !== undefined ? patch.offsetMinutes : patch.trigger && !isTimedTrigger(patch.trigger) ? null : old.offsetMinutes,
    action: patch.action ?? old.action,
    toAddress: patch.to !== undefined ? patch.to : patch.action && patch.action !== 'email_address' ? null : old.toAddress,
    subject: patch.subject !== undefined ? normalized(patch.subject) : old.subject,
    body: patch.body !== undefined ? normalized(patch.body) : old.body,
    webhookId: patch.webhookId !== undefined ? patch.webhookId : patch.action && patch.action !== 'webhook' ? null : old.webhookId,
    active: patch.active ?? old.active,
  };
  const issues = await shapeIssues(env, user, { ...next, to: next.toAddress });
  if (issues.length) return { ok: false, code: 'validation_failed', issues };
  // What was queued no longer fits a different trigger, action or recipient, or a workflow turned off.
  const reroute = next.trigger !== old.trigger || next.action !== old.action || next.toAddress !== old.toAddress || next.webhookId !== old.webhookId;
  const retime = !reroute && next.offsetMinutes !== old.offsetMinutes;
  const recompose = next.subject !== old.subject || next.body !== old.body;
  const statements: ReturnType<typeof sql>[] = [];
  if (!next.active || reroute) {
    const reason = !next.active ? 'Not sent: the workflow was turned off' : 'Not sent: the workflow changed';
    statements.push(cancelWorkflowStatement(id, reason), cancelWorkflowDeliveriesStatement(id, reason, now));
  } else if (retime || recompose) statements.push(retimeWorkflowStatement(id), settleRetimedStatement(id, now), ...(retime ? retimeWorkflowDeliveriesStatements(id, now) : []));
  if (next.active && patch.applyToExisting) statements.push(...(await applyToExistingStatements(env.DB, old.pageId, sql`${id}`, next.trigger, next.action, now)));
  const db = getDb(env.DB);
  await env.DB.batch([
    d1Statement(env.DB, db.update(workflows).set({ ...next, updatedAt: now }).where(eq(workflows.id, id))),
    ...statements.map((q) => d1Statement(env.DB, q)),
  ]);
  const [row] = await db.select().from(workflows).where(eq(workflows.id, id));
  return { ok: true, workflow: workflowJson(row) };
}

/** Soft delete: gone from lists, its pending messages cancelled; sent ones keep pointing at it. */
export async function deleteWorkflow(env: Bindings, user: SessionUser, id: number, now = Date.now()): Promise<{ ok: true } | Denied> {
  const loaded = await loadOwn(env, user, id);
  if (!loaded.ok) return loaded;
  const db = getDb(env.DB);
  await env.DB.batch([
    d1Statement(env.DB, db.update(workflows).set({ deletedAt: now, active: false, updatedAt: now }).where(eq(workflows.id, id))),
    d1Statement(env.DB, cancelWorkflowStatement(id, 'Not sent: the workflow was deleted')),
    d1Statement(env.DB, cancelWorkflowDeliveriesStatement(id, 'Not sent: the workflow was deleted', now)),
  ]);
  return { ok: true };
}

/** Every outbox row of a booking in the viewer's view scope (confirmations too), soonest due first. */
export async function bookingMessages(env: Bindings, user: SessionUser, bookingId: string): Promise<{ ok: true; messages: MessageJson[] } | { ok: false; code: 'not_found' }> {
  const db = getDb(env.DB);
  const [visible] = await db.select({ id: bookings.id }).from(bookings).where(and(eq(bookings.id, bookingId), bookingScopeCondition(user, user.permissions.view)));
  if (!visible) return { ok: false, code: 'not_found' };
  const rows = await db
    .select({ row: outbox, workflowName: workflows.name })
    .from(outbox)
    .leftJoin(workflows, eq(workflows.id, outbox.workflowId))
    .where(eq(outbox.bookingId, bookingId));
  const due = (r: typeof outbox.$inferSelect) => r.dueAt ?? r.createdAt;
  rows.sort((a, b) => due(a.row) - due(b.row) || a.row.createdAt - b.row.createdAt);
  return {
    ok: true,
    messages: rows.map(({ row: r, workflowName }) => ({
      id: r.id, kind: r.kind, workflowId: r.workflowId, workflowName, recipient: r.toAddress, dueAt: iso(due(r)),
      status: r.status, attempts: r.attempts, lastError: r.lastError, sentAt: r.sentAt === null ? null : iso(r.sentAt),
    })),
  };
}
