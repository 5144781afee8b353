import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import type { WorkflowJson } from '../services/workflows';
import { actionWords, isEmailAction, triggerWords } from './workflows-words';

/** A workflow as the list shows it (the API's workflow object, or the fields of it we need). */
export type WorkflowItem = Pick<WorkflowJson, 'id' | 'name' | 'trigger' | 'offsetMinutes' | 'action' | 'to' | 'subject' | 'body' | 'active'>;

export type WorkflowPage = { id: number; title: string; slug: string };

export type WorkflowsListProps = {
  user: SessionUser;
  pages: WorkflowPage[];
  /** The page shown; absent when the viewer sees no page at all. */
  page?: WorkflowPage & { canEdit: boolean };
  workflows: WorkflowItem[];
  notice?: string;
};

export const listUrl = (pageId: number) => `/app/workflows?pageId=${pageId}`;

/**
 * A real form around a real button: without JavaScript it posts the new state; public/workflows.js
 * sends it to the API instead and flips the switch in place.
 */
function ActiveSwitch({ w }: { w: WorkflowItem }) {
  return (
    <form method="post" action={`/app/workflows/${w.id}/active`} class="wf-switch-form" data-toggle-form>
      <input type="hidden" name="active" value={w.active ? '' : 'on'} />
      <button type="submit" class="pg-switch" role="switch" aria-checked={w.active ? 'true' : 'false'} aria-label={`Active: ${w.name}`} data-id={w.id} data-name={w.name}>
        <span class="pg-switch-track" aria-hidden="true"></span>
        <span class="pg-switch-text" aria-hidden="true">
          {w.active ? 'On' : 'Off'}
        </span>
      </button>
    </form>
  );
}

function WorkflowCard({ w, canEdit }: { w: WorkflowItem; canEdit: boolean }) {
  const text = !isEmailAction(w.action) ? null : w.subject === null && w.body === null ? 'Built-in text' : 'Own text';
  return (
    <li class={`wf-item${w.active ? '' : ' wf-off'}`} data-workflow-id={w.id}>
      <div class="wf-main">
        <h3 class="wf-name">{canEdit ? <a href={`/app/workflows/${w.id}`}>{w.name}</a> : w.name}</h3>
        <p class="wf-meta">
          <span class="wf-when">
            <span class="visually-hidden">When: </span>
            {triggerWords(w.trigger, w.offsetMinutes)}
          </span>
          <span class="wf-do">
            <span class="wf-arrow" aria-hidden="true">
              →{' '}
            </span>
            <span class="visually-hidden">, then: </span>
            {actionWords(w.action, w.to)}
          </span>
          {text && <span class="pg-chip">{text}</span>}
        </p>
      </div>
      <div class="wf-actions">
        {canEdit ? (
          <>
            <ActiveSwitch w={w} />
            <a class="pg-btn" href={`/app/workflows/${w.id}`} aria-label={`Edit ${w.name}`}>
              Edit
            </a>
          </>
        ) : (
          <span class={`pl-state${w.active ? ' on' : ''}`}>{w.active ? 'Active' : 'Inactive'}</span>
        )}
      </div>
    </li>
  );
}

/** Which page's workflows are shown: a GET form, so it works without script (which submits on change). */
function PagePicker({ pages, current }: { pages: WorkflowPage[]; current: number }) {
  return (
    <form method="get" action="/app/workflows" class="wf-picker" data-page-picker>
      <label for="wf-page">Scheduling page</label>
      <select id="wf-page" name="pageId">
        {pages.map((p) => (
          <option value={p.id} selected={p.id === current}>
            {p.title}
          </option>
        ))}
      </select>
      <button type="submit" data-picker-submit>
        Show
      </button>
    </form>
  );
}

/** `/app/workflows`: one page's workflows at a time, editable where the viewer may edit the page. */
export function WorkflowsList(props: WorkflowsListProps) {
  const { page } = props;
  return (
    <AppShell user={props.user} current="workflows" title="Workflows" styles={['/workflows.css']} scripts={['/workflows.js']}>
      <div class="pl-head">
        <div>
          <h1>Workflows</h1>
          <p class="muted">Reminders and follow-ups that go out on their own for every booking of a page.</p>
        </div>
        {props.pages.length > 1 && page && <PagePicker pages={props.pages} current={page.id} />}
      </div>
      <p class="pl-status" role="status" data-status>
        {props.notice}
      </p>
      {!page ? (
        <div class="pl-empty">
          <h2>No scheduling pages yet</h2>
          <p class="muted">Workflows belong to a scheduling page. Pages that you or your team host will appear here.</p>
          <a class="pg-btn primary" href="/app/pages">
            Scheduling pages
          </a>
        </div>
      ) : (
        <section class="wf-page" aria-labelledby="wf-page-title">
          <div class="wf-page-head">
            <div>
              <h2 id="wf-page-title">{page.title}</h2>
              <a class="pl-link" href={`/b/${page.slug}`}>
                /b/{page.slug}
              </a>
            </div>
            {page.canEdit && (
              <a class="pg-btn primary" href={`/app/workflows/new?pageId=${page.id}`}>
                New workflow
              </a>
            )}
          </div>
          {!page.canEdit && <p class="pe-readonly">You can see this page's workflows, but not change them.</p>}
          {props.workflows.length === 0 ? (
            <div class="pl-empty">
              <h3>No workflows on this page</h3>
              <p class="muted">A reminder before each meeting is what cuts no-shows most.</p>
              {page.canEdit && (
                <a class="pg-btn primary" href={`/app/workflows/new?pageId=${page.id}`}>
                  Add a reminder
                </a>
              )}
            </div>
          ) : (
            <ul class="wf-list">
              {props.workflows.map((w) => (
                <WorkflowCard w={w} canEdit={page.canEdit} />
              ))}
            </ul>
          )}
        </section>
      )}
    </AppShell>
  );
}
