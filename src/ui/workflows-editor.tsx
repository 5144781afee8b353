import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import { BODY_MAX, OFFSET_MAX, OFFSET_MIN, SUBJECT_MAX, TEMPLATE_VARIABLES, WORKFLOW_ACTIONS, WORKFLOW_TRIGGERS } from '../domain/workflows';
import { control, Field, FieldError, Section } from './page-editor-fields';
import type { WorkflowDraft, WorkflowIssues } from './workflows-form';
import { ACTION_LABELS, OFFSET_UNITS, TRIGGER_LABELS } from './workflows-words';
import { listUrl, type WorkflowPage } from './workflows-list';

export type WorkflowEditorProps = {
  user: SessionUser;
  page: WorkflowPage;
  /** Absent for a new workflow. */
  workflowId?: number;
  /** The saved name, for the heading and the delete question while the draft's may differ. */
  savedName?: string;
  draft: WorkflowDraft;
  issues: WorkflowIssues;
  /** The webhook endpoints the viewer may name (admins: all; others: their own). */
  webhooks: WebhookChoice[];
};

export type WebhookChoice = { id: string; url: string; ownerId: number | null; active: boolean };

const ACTION_HINTS: Record<string, string> = {
  email_booker: 'Each booker, in their own language; group bookings: every attendee.',
  email_host: 'The host, or every host of a collective booking.',
  email_address: 'One fixed address, such as a shared inbox.',
  webhook: 'A signed POST to one of your webhooks.',
};

/** How the error summary names each field (its label in the form). */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name', trigger: 'Trigger', offsetMinutes: 'How long', action: 'Action', to: 'Email address', webhookId: 'Webhook',
  subject: 'Subject', body: 'Text', active: 'Active', applyToExisting: 'Upcoming bookings',
};

function When({ d, issues }: { d: WorkflowDraft; issues: WorkflowIssues }) {
  return (
    <Section id="when" title="When this happens">
      <div class="wf-when-row">
        <Field name="trigger" label="Trigger" issues={issues}>
          <select {...control('trigger', issues)}>
            {WORKFLOW_TRIGGERS.map((t) => (
              <option value={t} selected={t === d.trigger}>
                {TRIGGER_LABELS[t]}
              </option>
            ))}
          </select>
        </Field>
        <div class="pe-field wf-when-timed">
          <label for="f-offsetMinutes">
            How long <span class="wf-w-before">before the start</span>
            <span class="wf-w-after">after the end</span>
          </label>
          <span class="wf-offset">
            <input {...control('offsetMinutes', issues, true)} type="number" inputmode="numeric" min={1} step={1} value={d.offsetMinutes} />
            <label class="visually-hidden" for="f-offsetUnit">
              Unit
            </label>
            <select id="f-offsetUnit" name="offsetUnit">
              {OFFSET_UNITS.map((u) => (
                <option value={u.minutes} selected={String(u.minutes) === d.offsetUnit}>
                  {u.many}
                </option>
              ))}
            </select>
          </span>
          <span class="pe-hint" id="h-offsetMinutes">
            Between {OFFSET_MIN} minutes and {OFFSET_MAX / 1440} days.
            <span class="wf-w-before"> A booking made later than that gets it marked skipped, never sent late.</span>
          </span>
          <FieldError name="offsetMinutes" issues={issues} />
        </div>
      </div>
    </Section>
  );
}

const webhookWords = (w: WebhookChoice) => [w.url, w.ownerId === null ? 'Organization' : '', w.active ? '' : 'Paused'].filter(Boolean).join(' · ');

/** A choice of the viewer's endpoints; with none yet, the way to add one (the field is then absent, and saving says so). */
function WebhookField({ d, issues, webhooks }: { d: WorkflowDraft; issues: WorkflowIssues; webhooks: WebhookChoice[] }) {
  if (webhooks.length === 0)
    return (
      <div class="pe-field wf-when-webhook">
        <p class="wf-empty-webhooks" id="f-webhookId">
          You have no webhooks yet. <a href="/app/webhooks">Add one on the Webhooks page</a>, then pick it here.
        </p>
        <FieldError name="webhookId" issues={issues} />
      </div>
    );
  // One saved before that is no longer among them (deleted, or not the viewer's) stays visible instead of silently changing.
  const unknown = d.webhookId && !webhooks.some((w) => w.id === d.webhookId);
  return (
    <Field name="webhookId" label="Webhook" hint="Paused webhooks get nothing until resumed. Manage them on the Webhooks page." issues={issues} class="wf-when-webhook">
      <select {...control('webhookId', issues, true)}>
        <option value="" selected={!d.webhookId}>
          Pick a webhook
        </option>
        {unknown && (
          <option value={d.webhookId} selected>
            A webhook you cannot use
          </option>
        )}
        {webhooks.map((w) => (
          <option value={w.id} selected={w.id === d.webhookId}>
            {webhookWords(w)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function Action({ d, issues, webhooks }: { d: WorkflowDraft; issues: WorkflowIssues; webhooks: WebhookChoice[] }) {
  return (
    <Section id="do" title="Do this">
      <fieldset class="pe-choices" aria-describedby="e-action">
        <legend>Action</legend>
        {WORKFLOW_ACTIONS.map((a, i) => (
          <label class="pe-choice">
            <input type="radio" name="action" id={i === 0 ? 'f-action' : undefined} value={a} checked={d.action === a} aria-describedby={`h-action-${a}`} />
            <span>
              <strong>{ACTION_LABELS[a]}</strong>
              <span class="muted" id={`h-action-${a}`}>
                {ACTION_HINTS[a]}
              </span>
            </span>
          </label>
        ))}
        <FieldError name="action" issues={issues} />
      </fieldset>
      <Field name="to" label="Email address" issues={issues} class="wf-when-address">
        <input {...control('to', issues)} type="email" value={d.to} maxlength={254} autocomplete="off" placeholder="team@example.com" />
      </Field>
      <WebhookField d={d} issues={issues} webhooks={webhooks} />
    </Section>
  );
}

function Message({ d, issues }: { d: WorkflowDraft; issues: WorkflowIssues }) {
  return (
    <Section id="message" title="Message">
      <div class="wf-when-email">
        <fieldset class="wf-text-choice">
          <legend class="visually-hidden">Text of the email</legend>
          <label class="pe-choice">
            <input type="radio" name="customText" id="f-customText" value="builtin" checked={!d.customText} aria-describedby="h-builtin" />
            <span>
              <strong>Built-in text, in each booker's language</strong>
              <span class="muted" id="h-builtin">
                Our wording for this message, in English, German, French, Spanish or Portuguese as each recipient reads it.
              </span>
            </span>
          </label>
          <label class="pe-choice">
            <input type="radio" name="customText" value="custom" checked={d.customText} aria-describedby="h-custom" />
            <span>
              <strong>Write my own</strong>
              <span class="muted" id="h-custom">
                Your subject and text, sent as written to everyone.
              </span>
            </span>
          </label>
        </fieldset>
        <div class="wf-when-custom">
          <Field name="subject" label="Subject" issues={issues}>
            <input {...control('subject', issues)} value={d.subject} maxlength={SUBJECT_MAX} data-template />
          </Field>
          <Field name="body" label="Text" issues={issues}>
            <textarea {...control('body', issues, true)} rows={8} maxlength={BODY_MAX} data-template>
              {d.body}
            </textarea>
          </Field>
          <span class="pe-hint" id="h-body">
            Plain text; blank lines start a new paragraph.
          </span>
          <div class="wf-vars" role="group" aria-labelledby="wf-vars-title">
            <p id="wf-vars-title" class="wf-vars-title">
              Variables <span class="muted">(filled in for each booking; select one to insert it where you type)</span>
            </p>
            <ul>
              {TEMPLATE_VARIABLES.map((v) => (
                <li class={v.name === 'manageUrl' ? 'wf-when-booker' : undefined}>
                  <button type="button" class="wf-var" data-insert={`{{${v.name}}}`} aria-describedby={`v-${v.name}`}>
                    <code>{`{{${v.name}}}`}</code>
                  </button>
                  <span class="muted" id={`v-${v.name}`}>
                    {v.description}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      </div>
      <p class="muted wf-when-webhook">A webhook sends the booking as JSON; it has no text of its own.</p>
    </Section>
  );
}

function Settings({ d, issues, isNew }: { d: WorkflowDraft; issues: WorkflowIssues; isNew: boolean }) {
  return (
    <Section id="settings" title="Settings">
      <label class="pe-check">
        <input type="checkbox" {...control('active', issues)} checked={d.active} /> Active
      </label>
      <FieldError name="active" issues={issues} />
      <div class="wf-when-timed">
        <label class="pe-check">
          <input type="checkbox" {...control('applyToExisting', issues, true)} checked={d.applyToExisting} /> Also schedule for upcoming bookings
        </label>
        <span class="pe-hint" id="h-applyToExisting">
          {isNew ? 'Bookings already made get this message too; otherwise only new bookings do.' : 'Upcoming bookings that have no message from this workflow yet get one.'}
        </span>
        <FieldError name="applyToExisting" issues={issues} />
      </div>
    </Section>
  );
}

/** `/app/workflows/new` and `/app/workflows/:id`: every field of SPEC 11's workflow in one form. */
export function WorkflowEditor(p: WorkflowEditorProps) {
  const d = p.draft;
  const heading = p.workflowId ? p.savedName || 'Workflow' : 'New workflow';
  const issueCount = Object.keys(p.issues).length;
  const action = p.workflowId ? `/app/workflows/${p.workflowId}` : `/app/workflows/new?pageId=${p.page.id}`;
  return (
    <AppShell user={p.user} current="workflows" title={heading} styles={['/editor.css', '/workflows.css']} scripts={['/workflows.js']}>
      <div class="pe-wrap">
        <p class="pe-back">
          <a href={listUrl(p.page.id)}>← Workflows of {p.page.title}</a>
        </p>
        <h1>{heading}</h1>
        <div class="pe-alert" role="alert" tabindex={-1} data-form-alert hidden={issueCount === 0}>
          {issueCount > 0 && (
            <>
              {issueCount === 1 ? 'Fix this, then save again:' : `Fix these ${issueCount} things, then save again:`}
              <ul>
                {Object.entries(p.issues).map(([key, message]) => (
                  <li>{key ? <a href={`#f-${key}`}>{`${FIELD_LABELS[key] ?? key}: ${message}`}</a> : message}</li>
                ))}
              </ul>
            </>
          )}
        </div>
        <form class="pe-form wf-form" method="post" action={action} novalidate data-workflow-form>
          <Section id="name" title="Workflow">
            <Field name="name" label="Name" hint="For you and your team; bookers never see it." issues={p.issues}>
              <input {...control('name', p.issues, true)} value={d.name} maxlength={100} required placeholder="Reminder 2 hours before" />
            </Field>
          </Section>
          <When d={d} issues={p.issues} />
          <Action d={d} issues={p.issues} webhooks={p.webhooks} />
          <Message d={d} issues={p.issues} />
          <Settings d={d} issues={p.issues} isNew={!p.workflowId} />
          <div class="pe-bar">
            <button type="submit">{p.workflowId ? 'Save workflow' : 'Create workflow'}</button>
            <a href={listUrl(p.page.id)}>Cancel</a>
          </div>
        </form>
        {p.workflowId && (
          <details class="wf-delete" data-delete>
            <summary class="pg-danger-text">Delete workflow</summary>
            <form method="post" action={`/app/workflows/${p.workflowId}/delete`} class="pe-confirm">
              <p>
                <strong>Delete “{p.savedName}”?</strong> Its messages that are still pending are not sent. Messages already sent stay in each booking's timeline.
              </p>
              <button type="submit" class="danger">
                Delete workflow
              </button>{' '}
              <button type="button" data-delete-no>
                Keep workflow
              </button>
            </form>
          </details>
        )}
      </div>
    </AppShell>
  );
}
