/** Workflow vocabulary (SPEC 11): what can set a workflow off and what it does. */
export const WORKFLOW_TRIGGERS = [
  'booking_created',
  'booking_rescheduled',
  'booking_cancelled',
  'before_start',
  'after_end',
  'marked_no_show',
  'marked_attended',
] as const;
export type WorkflowTrigger = (typeof WORKFLOW_TRIGGERS)[number];

/** Triggers that fire at a time relative to the meeting (they carry offsetMinutes). */
export const TIMED_TRIGGERS = ['before_start', 'after_end'] as const satisfies readonly WorkflowTrigger[];

export const WORKFLOW_ACTIONS = ['email_booker', 'email_host', 'email_address', 'webhook'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** Outbox statuses; `cancelled`: a workflow message whose booking was cancelled before it was due. */
export const MESSAGE_STATUSES = ['pending', 'sent', 'failed', 'skipped', 'cancelled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const isTimedTrigger = (t: WorkflowTrigger) => (TIMED_TRIGGERS as readonly string[]).includes(t);

/** The bounds of a timed workflow's offset (SPEC 11): 5 minutes to 30 days. */
export const OFFSET_MIN = 5;
export const OFFSET_MAX = 43_200;
export const SUBJECT_MAX = 200;
export const BODY_MAX = 5_000;

/** Template variables, with what each becomes (the editor's help text). */
export const TEMPLATE_VARIABLES = [
  { name: 'bookerName', description: "The booker's name" },
  { name: 'hostName', description: "The host's name (collective: every host)" },
  { name: 'pageTitle', description: "The scheduling page's title" },
  { name: 'start', description: "When the meeting starts, in the recipient's timezone and language" },
  { name: 'manageUrl', description: 'The booker\'s link to reschedule or cancel (booker emails only)' },
  { name: 'bookingPageUrl', description: 'A link to the booking page, to book again' },
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number]['name'];
const VARIABLE_NAMES: readonly string[] = TEMPLATE_VARIABLES.map((v) => v.name);

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Why a template is refused (unknown variable, or a manage link outside a booker email), else null. */
export function templateProblem(template: string, action: WorkflowAction): string | null {
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!VARIABLE_NAMES.includes(name)) return `Unknown variable {{${name}}}; use ${VARIABLE_NAMES.map((v) => `{{${v}}}`).join(', ')}`;
    if (name === 'manageUrl' && action !== 'email_booker') return '{{manageUrl}} is only available in emails to the booker';
  }
  return null;
}

/** The template with each variable replaced by `escape(value)` (HTML: escaped; text: as is). */
export const fillTemplate = (template: string, values: Record<TemplateVariable, string>, escape: (s: string) => string = (s) => s) =>
  template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? escape(values[name as TemplateVariable]) : whole));

/** The fields whose combination decides a workflow is well formed. */
export type WorkflowShape = {
  trigger: WorkflowTrigger;
  offsetMinutes?: number | null;
  action: WorkflowAction;
  to?: string | null;
  subject?: string | null;
  body?: string | null;
  webhookId?: string | null;
};
export type ShapeIssue = { path: string[]; message: string };

/** Cross-field rules of a workflow (create, and a patch merged onto the stored one). */
export function workflowIssues(w: WorkflowShape): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  if (isTimedTrigger(w.trigger)) {
    if (w.offsetMinutes == null) issues.push({ path: ['offsetMinutes'], message: `Timed triggers need offsetMinutes (${OFFSET_MIN}–${OFFSET_MAX})` });
  } else if (w.offsetMinutes != null) issues.push({ path: ['offsetMinutes'], message: 'Only before_start and after_end take offsetMinutes' });
  if (w.action === 'email_address' && !w.to) issues.push({ path: ['to'], message: 'email_address needs a to address' });
  if (w.action !== 'email_address' && w.to) issues.push({ path: ['to'], message: 'Only email_address takes a to address' });
  if (w.action === 'webhook' && !w.webhookId) issues.push({ path: ['webhookId'], message: 'A webhook action needs a webhookId' });
  if (w.action !== 'webhook' && w.webhookId) issues.push({ path: ['webhookId'], message: 'Only the webhook action takes a webhookId' });
  for (const field of ['subject', 'body'] as const) {
    const problem = w[field] ? templateProblem(w[field]!, w.action) : null;
    if (problem) issues.push({ path: [field], message: problem });
  }
  return issues;
}

/** When a timed workflow's message is due for a meeting (ms); instant triggers: `now`. */
export function dueAt(trigger: WorkflowTrigger, offsetMinutes: number | null, meeting: { start: number; end: number }, now: number): number {
  if (trigger === 'before_start') return meeting.start - (offsetMinutes ?? 0) * 60_000;
  if (trigger === 'after_end') return meeting.end + (offsetMinutes ?? 0) * 60_000;
  return now;
}
