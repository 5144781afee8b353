/**
 * The workflow editor's form (the API's field names; offsetMinutes is typed in the unit beside
 * it): what was typed as a draft to show again, the draft as the API's JSON body, server issues
 * by field.
 */
import type { Issue } from '../http/errors';
import type { WorkflowJson } from '../services/workflows';
import { isTimed, offsetParts } from './workflows-words';

export type WorkflowDraft = {
  name: string;
  trigger: string;
  /** The amount as typed, in `offsetUnit` minutes. */
  offsetMinutes: string;
  offsetUnit: string;
  action: string;
  to: string;
  webhookId: string;
  /** Off: subject and body are null, the built-in text in each recipient's language. */
  customText: boolean;
  subject: string;
  body: string;
  active: boolean;
  applyToExisting: boolean;
};

/** A field name → its message ('' for the form as a whole). */
export type WorkflowIssues = Record<string, string>;

type SavedWorkflow = Pick<WorkflowJson, 'name' | 'trigger' | 'offsetMinutes' | 'action' | 'to' | 'subject' | 'body' | 'webhookId' | 'active'>;

export function draftFromWorkflow(w: SavedWorkflow): WorkflowDraft {
  const offset = offsetParts(w.offsetMinutes ?? 60);
  return {
    name: w.name,
    trigger: w.trigger,
    offsetMinutes: String(offset.amount),
    offsetUnit: String(offset.unit),
    action: w.action,
    to: w.to ?? '',
    webhookId: w.webhookId ?? '',
    customText: w.subject !== null || w.body !== null,
    subject: w.subject ?? '',
    body: w.body ?? '',
    active: w.active,
    applyToExisting: false,
  };
}

/** A new workflow starts as a booker reminder 2 hours before, in the built-in text. */
export const newWorkflowDraft = (): WorkflowDraft => ({
  name: '',
  trigger: 'before_start',
  offsetMinutes: '2',
  offsetUnit: '60',
  action: 'email_booker',
  to: '',
  webhookId: '',
  customText: false,
  subject: '',
  body: '',
  active: true,
  applyToExisting: true,
});

type FormValues = Record<string, string | File | (string | File)[]>;
const one = (v: FormValues[string] | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) ? one(v[0]) : '');

export function readWorkflowForm(f: FormValues): WorkflowDraft {
  return {
    name: one(f.name),
    trigger: one(f.trigger),
    offsetMinutes: one(f.offsetMinutes),
    offsetUnit: one(f.offsetUnit) || '1',
    action: one(f.action),
    to: one(f.to),
    webhookId: one(f.webhookId),
    customText: one(f.customText) === 'custom',
    subject: one(f.subject),
    body: one(f.body),
    active: one(f.active) !== '',
    applyToExisting: one(f.applyToExisting) !== '',
  };
}

/** The offset in minutes, or what was typed when it is no number (the server's issue says why). */
function offset(d: WorkflowDraft): number | string | undefined {
  const typed = d.offsetMinutes.trim();
  if (typed === '') return undefined;
  const amount = Number(typed);
  const unit = Number(d.offsetUnit) || 1;
  return Number.isFinite(amount) ? Math.round(amount * unit) : typed;
}

/**
 * The API body: fields that don't apply to the trigger or action are cleared (null), so a
 * workflow switched from "Email an address" to "Email the booker" forgets its address.
 */
export function workflowBodyFromDraft(d: WorkflowDraft) {
  const email = d.action !== 'webhook';
  return {
    name: d.name,
    trigger: d.trigger,
    offsetMinutes: isTimed(d.trigger) ? offset(d) : null,
    action: d.action,
    to: d.action === 'email_address' ? d.to.trim() : null,
    webhookId: d.action === 'webhook' ? d.webhookId.trim() : null,
    subject: email && d.customText ? d.subject : null,
    body: email && d.customText ? d.body : null,
    active: d.active,
    applyToExisting: d.applyToExisting,
  };
}

const FIELDS = new Set(['name', 'trigger', 'offsetMinutes', 'action', 'to', 'webhookId', 'subject', 'body', 'active', 'applyToExisting']);

/** Each issue under the field that shows it; the rest under ''. */
export function workflowIssueMap(issues: Issue[]): WorkflowIssues {
  const map: WorkflowIssues = {};
  for (const issue of issues) {
    const top = String(issue.path[0] ?? '');
    const key = FIELDS.has(top) ? top : '';
    map[key] = map[key] ? `${map[key]} ${issue.message}` : issue.message;
  }
  return map;
}
