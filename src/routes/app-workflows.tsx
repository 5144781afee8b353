import { Hono, type Context } from 'hono';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { schedulingPages, workflows } from '../db/schema';
import { loadPagesWithHostUsers, pageAccess, pagesWithHostUsersQueries, visiblePagesCondition, type PageWithHostUsers } from '../db/pages';
import { requirePageUser } from '../http/page-auth';
import { csrf } from '../http/middleware';
import { idParam } from '../http/schemas';
import { forbidden, notFound, validationFailed, type Issue } from '../http/errors';
import { formBody } from '../http/validate';
import { WORKFLOW_ACTIONS, templateProblem, type WorkflowAction } from '../domain/workflows';
import { createWorkflow, deleteWorkflow, listPageWorkflows, updateWorkflow, workflowBody, workflowJson, workflowPatch } from '../services/workflows';
import { AppShell } from '../ui/app-shell';
import { WorkflowsList, listUrl } from '../ui/workflows-list';
import { WorkflowEditor } from '../ui/workflows-editor';
import { listWebhooks } from '../services/webhooks';
import { draftFromWorkflow, newWorkflowDraft, readWorkflowForm, workflowBodyFromDraft, workflowIssueMap, type WorkflowDraft } from '../ui/workflows-form';

const NOTICES: Record<string, string> = {
  created: 'Workflow created.',
  saved: 'Workflow saved.',
  deleted: 'Workflow deleted. Its pending messages will not be sent.',
  on: 'Workflow turned on.',
  off: 'Workflow turned off.',
};

const pageItem = (p: PageWithHostUsers) => ({ id: p.id, title: p.title, slug: p.slug });

/** A service's refusal as the page answers it: 404 outside scope, 403 inside it; else its issues for the form. */
type Refusal = { ok: false; code: string; issues?: Issue[]; message?: string };
function refusedIssues(result: Refusal): Issue[] {
  if (result.code === 'not_found') throw notFound();
  if (result.code === 'forbidden') throw forbidden();
  return result.issues?.length ? result.issues : [{ path: [], message: result.message ?? 'The workflow could not be saved.' }];
}

/** Scheduling page → its workflows (SPEC 11), edited with the API's fields; plain form posts without script. */
export const appWorkflowRoutes = new Hono<AppEnv>()
  .get('/app/workflows', requirePageUser, async (c) => {
    const user = c.get('user');
    const db = getDb(c.env.DB);
    const pages = await loadPagesWithHostUsers(db, visiblePagesCondition(db, user));
    const wanted = Number(c.req.query('pageId'));
    const page = pages.find((p) => p.id === wanted) ?? pages[0];
    const listed = page ? await listPageWorkflows(c.env, user, page.id) : undefined;
    return c.html(
      <WorkflowsList
        user={user}
        pages={pages.map(pageItem)}
        page={page && { ...pageItem(page), canEdit: pageAccess(user, page.hosts).edit }}
        workflows={listed?.ok ? listed.workflows : []}
        notice={NOTICES[c.req.query('notice') ?? '']}
      />,
    );
  })
  .get('/app/workflows/new', requirePageUser, async (c) => {
    const page = await editablePage(c, Number(c.req.query('pageId')));
    if (!page) return cannotEdit(c);
    return c.html(<WorkflowEditor user={c.get('user')} page={pageItem(page)} draft={newWorkflowDraft()} issues={{}} webhooks={await webhookChoices(c)} />);
  })
  .get('/app/workflows/:id', requirePageUser, async (c) => {
    const { workflow, page, canEdit } = await workflowContext(c);
    if (!canEdit) return cannotEdit(c, page.id);
    return c.html(<WorkflowEditor user={c.get('user')} page={pageItem(page)} workflowId={workflow.id} savedName={workflow.name} draft={draftFromWorkflow(workflow)} issues={{}} webhooks={await webhookChoices(c)} />);
  })
  // Without script the editor posts here: saved → the list, issues → the form again as typed.
  .post('/app/workflows/new', requirePageUser, csrf, async (c) => {
    const page = await editablePage(c, Number(c.req.query('pageId')));
    if (!page) throw notFound();
    const draft = readWorkflowForm(await formBody(c));
    const body = workflowBody.safeParse(workflowBodyFromDraft(draft));
    if (!body.success) return editorAgain(c, page, draft, zodIssues(body.error, draft));
    const result = await createWorkflow(c.env, c.get('user'), page.id, body.data, c.get('now').getTime());
    if (result.ok) return c.redirect(`${listUrl(page.id)}&notice=created`, 303);
    return editorAgain(c, page, draft, refusedIssues(result));
  })
  .post('/app/workflows/:id', requirePageUser, csrf, async (c) => {
    const { workflow, page, canEdit } = await workflowContext(c);
    if (!canEdit) throw forbidden();
    const draft = readWorkflowForm(await formBody(c));
    const patch = workflowPatch.safeParse(workflowBodyFromDraft(draft));
    if (!patch.success) return editorAgain(c, page, draft, zodIssues(patch.error, draft), workflow);
    const result = await updateWorkflow(c.env, c.get('user'), workflow.id, patch.data, c.get('now').getTime());
    if (result.ok) return c.redirect(`${listUrl(page.id)}&notice=saved`, 303);
    return editorAgain(c, page, draft, refusedIssues(result), workflow);
  })
  .post('/app/workflows/:id/active', requirePageUser, csrf, async (c) => {
    const { workflow, page } = await workflowContext(c);
    const active = (await formBody(c)).active === 'on';
    const result = await updateWorkflow(c.env, c.get('user'), workflow.id, { active }, c.get('now').getTime());
    // Refused (e.g. its webhook endpoint is gone): the editor says why, instead of a notice that it is on.
    if (!result.ok) return editorAgain(c, page, { ...draftFromWorkflow(workflow), active }, refusedIssues(result), workflow);
    return c.redirect(`${listUrl(page.id)}&notice=${active ? 'on' : 'off'}`, 303);
  })
  .post('/app/workflows/:id/delete', requirePageUser, csrf, async (c) => {
    const { workflow, page } = await workflowContext(c);
    const result = await deleteWorkflow(c.env, c.get('user'), workflow.id, c.get('now').getTime());
    if (!result.ok) refusedIssues(result);
    return c.redirect(`${listUrl(page.id)}&notice=deleted`, 303);
  });

/**
 * The schema's issues, plus the template checks it could not reach, so a host who got the offset
 * and a variable wrong hears about both at once.
 */
function zodIssues(error: Parameters<typeof validationFailed>[0], draft: WorkflowDraft): Issue[] {
  const issues = validationFailed(error).issues ?? [];
  const action = (WORKFLOW_ACTIONS as readonly string[]).includes(draft.action) ? (draft.action as WorkflowAction) : 'email_booker';
  for (const field of ['subject', 'body'] as const) {
    const problem = draft.customText && !issues.some((i) => i.path[0] === field) ? templateProblem(draft[field], action) : null;
    if (problem) issues.push({ path: [field], message: problem });
  }
  return issues;
}

/** The endpoints the viewer may name in a webhook action: the Webhooks page's list (admins: all; others: their own). */
const webhookChoices = (c: Context<AppEnv>) => listWebhooks(c.env, c.get('user'));

async function editorAgain(c: Context<AppEnv>, page: PageWithHostUsers, draft: WorkflowDraft, issues: Issue[], workflow?: { id: number; name: string }) {
  const webhooks = await webhookChoices(c);
  return c.html(<WorkflowEditor user={c.get('user')} page={pageItem(page)} workflowId={workflow?.id} savedName={workflow?.name} draft={draft} issues={workflowIssueMap(issues)} webhooks={webhooks} />, 400);
}

function cannotEdit(c: Context<AppEnv>, pageId?: number) {
  return c.html(
    <AppShell user={c.get('user')} current="workflows" title="Workflows">
      <h1>Workflows</h1>
      <p>You can see this page's workflows, but not change them. Ask an admin or the page's host if something should change.</p>
      <p>
        <a href={pageId ? listUrl(pageId) : '/app/workflows'}>Back to workflows</a>
      </p>
    </AppShell>,
    pageId ? 403 : 404,
  );
}

/** The page behind ?pageId= when the viewer may edit it (undefined when they may not, or can't see it). */
async function editablePage(c: Context<AppEnv>, id: number) {
  if (!Number.isInteger(id) || id <= 0) return undefined;
  const db = getDb(c.env.DB);
  const [page] = await loadPagesWithHostUsers(db, and(eq(schedulingPages.id, id), isNull(schedulingPages.deletedAt)));
  return page && pageAccess(c.get('user'), page.hosts).edit ? page : undefined;
}

/** The workflow behind /app/workflows/:id with its page and what the viewer may do, in one round trip. */
async function workflowContext(c: Context<AppEnv>) {
  const id = idParam.safeParse(c.req.param());
  if (!id.success) throw notFound();
  const db = getDb(c.env.DB);
  const live = and(eq(workflows.id, id.data.id), isNull(workflows.deletedAt));
  const [rows, pageRows, hostRows] = await db.batch([
    db.select().from(workflows).where(live),
    ...pagesWithHostUsersQueries(db, and(inArray(schedulingPages.id, db.select({ id: workflows.pageId }).from(workflows).where(live)), isNull(schedulingPages.deletedAt))),
  ]);
  const row = rows[0];
  const page = pageRows[0] && { ...pageRows[0], hosts: hostRows.map(({ pageId: _, ...h }) => h) };
  const access = page && pageAccess(c.get('user'), page.hosts);
  // Outside the view scope (or deleted) looks exactly like a workflow that doesn't exist.
  if (!row || !page || !access?.view) throw notFound();
  const workflow = workflowJson(row);
  return { workflow, page, canEdit: access.edit };
}
