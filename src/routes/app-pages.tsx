import { Hono, type Context } from 'hono';
import { asc, eq } from 'drizzle-orm';
import type { AppEnv } from '../env';
import { getDb } from '../db/client';
import { usersInScopeCondition } from '../db/scope';
import { schedulingPages, users } from '../db/schema';
import { loadPagesWithHostUsers, pageAccess, pageJson, pagesWithHostUsersQueries, visiblePagesCondition, type PageWithHosts } from '../db/pages';
import { requirePageUser } from '../http/page-auth';
import { csrf } from '../http/middleware';
import { idParam } from '../http/schemas';
import { ApiError, forbidden, notFound, validationFailed } from '../http/errors';
import { createPage, createSchema, patchSchema, updatePage } from '../services/scheduling-pages';
import { issueMap, pageBody, readPageForm } from '../ui/page-editor-form';
import type { IssueMap } from '../ui/page-editor-draft';
import { PagesList } from '../ui/pages-list';
import { PageEditor } from '../ui/page-editor';
import { draftFromPage, newPageDraft } from '../ui/page-editor-draft';
import { AppShell } from '../ui/app-shell';
import { formBody } from '../http/validate';

// Built once per isolate: the zone list is the same for every page and every request.
let zones: string[] | undefined;
const timezones = () => (zones ??= Intl.supportedValuesOf('timeZone'));

const appUrl = (c: Context<AppEnv>) => (c.env.APP_URL || new URL(c.req.url).origin).replace(/\/$/, '');

/** The users the viewer may make hosts: their edit scope applied to people. */
const hostOptionsQuery = (c: Context<AppEnv>) => {
  const user = c.get('user');
  return getDb(c.env.DB)
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(usersInScopeCondition(user, user.permissions.edit))
    .orderBy(asc(users.name));
};

const NOTICES: Record<string, string> = { deleted: 'Page deleted. Its link no longer takes bookings.' };

/** Scheduling pages list and editor (SPEC 9). */
export const appPageRoutes = new Hono<AppEnv>()
  .get('/app/pages', requirePageUser, async (c) => {
    const user = c.get('user');
    const db = getDb(c.env.DB);
    const pages = await loadPagesWithHostUsers(db, visiblePagesCondition(db, user));
    const base = appUrl(c);
    return c.html(
      <PagesList
        user={user}
        canCreate={!!user.permissions.edit}
        notice={NOTICES[c.req.query('notice') ?? '']}
        pages={pages.map((p) => ({
          ...pageJson(p),
          hostNames: p.hosts.map((h) => h.name),
          url: `${base}/b/${p.slug}`,
          canEdit: pageAccess(user, p.hosts).edit,
        }))}
      />,
    );
  })
  .get('/app/pages/new', requirePageUser, async (c) => {
    const user = c.get('user');
    if (!user.permissions.edit) {
      return c.html(
        <AppShell user={user} current="pages" title="New scheduling page">
          <h1>New scheduling page</h1>
          <p>Your role can view scheduling pages but not create them. Ask an admin if you need to.</p>
          <p>
            <a href="/app/pages">Back to scheduling pages</a>
          </p>
        </AppShell>,
        403,
      );
    }
    return c.html(
      <PageEditor
        user={user}
        draft={newPageDraft(user)}
        issues={{}}
        hostOptions={await hostOptionsQuery(c)}
        timezones={timezones()}
        readOnly={false}
        canDelete={false}
        saved={false}
        appUrl={appUrl(c)}
      />,
    );
  })
  .get('/app/pages/:id', requirePageUser, async (c) => {
    const { page, access, hostOptions } = await editorContext(c);
    return c.html(
      <PageEditor
        user={c.get('user')}
        pageId={page.id}
        savedSlug={page.slug}
        draft={draftFromPage(pageJson(page))}
        issues={{}}
        hostOptions={hostOptions}
        timezones={timezones()}
        readOnly={!access.edit}
        canDelete={access.delete}
        saved={c.req.query('saved') !== undefined}
        appUrl={appUrl(c)}
      />,
    );
  })
  // Without JavaScript the form posts here: saved → the page's editor, issues → the form again as typed.
  .post('/app/pages/new', requirePageUser, csrf, async (c) => {
    const user = c.get('user');
    if (!user.permissions.edit) throw forbidden();
    const draft = readPageForm(await formBody(c, { all: true }));
    const result = await saved(() => {
      const body = createSchema.safeParse(pageBody(draft, true));
      if (!body.success) throw validationFailed(body.error);
      return createPage(getDb(c.env.DB), user, c.get('now'), body.data);
    });
    if ('page' in result) return c.redirect(`/app/pages/${result.page.id}?saved`, 303);
    const hostOptions = await hostOptionsQuery(c);
    return c.html(
      <PageEditor user={user} draft={draft} issues={result.issues} hostOptions={hostOptions} timezones={timezones()} readOnly={false} canDelete={false} saved={false} appUrl={appUrl(c)} />,
      result.status,
    );
  })
  .post('/app/pages/:id', requirePageUser, csrf, async (c) => {
    const { page, access, hostOptions } = await editorContext(c);
    if (!access.edit) throw forbidden();
    const draft = readPageForm(await formBody(c, { all: true }));
    const result = await saved(() => {
      const body = patchSchema.safeParse(pageBody(draft, false));
      if (!body.success) throw validationFailed(body.error);
      return updatePage(getDb(c.env.DB), c.get('user'), c.get('now'), page, body.data);
    });
    if ('page' in result) return c.redirect(`/app/pages/${page.id}?saved`, 303);
    return c.html(
      <PageEditor
        user={c.get('user')}
        pageId={page.id}
        savedSlug={page.slug}
        draft={draft}
        issues={result.issues}
        hostOptions={hostOptions}
        timezones={timezones()}
        readOnly={false}
        canDelete={access.delete}
        saved={false}
        appUrl={appUrl(c)}
      />,
      result.status,
    );
  });

/** The page behind /app/pages/:id with what the viewer may do, and whom they may make hosts, in one round trip. */
async function editorContext(c: Context<AppEnv>) {
  const id = idParam.safeParse(c.req.param());
  if (!id.success) throw notFound();
  const db = getDb(c.env.DB);
  const [rows, hostRows, options] = await db.batch([...pagesWithHostUsersQueries(db, eq(schedulingPages.id, id.data.id)), hostOptionsQuery(c)]);
  const page = rows[0] && { ...rows[0], hosts: hostRows.map(({ pageId: _, ...h }) => h) };
  const access = page && pageAccess(c.get('user'), page.hosts);
  // Outside the view scope (or deleted) looks exactly like a page that doesn't exist.
  if (!page || page.deletedAt !== null || !access.view) throw notFound();
  return { page, access, hostOptions: access.edit ? options : page.hosts.map((h) => ({ id: h.userId, name: h.name })) };
}

/** A save's outcome for the form: the page, or the issues to show beside the fields (400, or 409 for buffers over booked time). */
async function saved(save: () => Promise<PageWithHosts>): Promise<{ page: PageWithHosts } | { issues: IssueMap; status: 400 | 409 }> {
  try {
    return { page: await save() };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'validation_failed') return { issues: issueMap(error.issues ?? []), status: 400 };
    if (error instanceof ApiError && error.code === 'already_booked') return { issues: { bufferBeforeMinutes: error.message }, status: 409 };
    throw error;
  }
}
