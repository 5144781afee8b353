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
