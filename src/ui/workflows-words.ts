/** Workflows in the host's words (SPEC 11): triggers, offsets and actions as /app/workflows shows them. */
import { TIMED_TRIGGERS, type WorkflowAction, type WorkflowTrigger } from '../domain/workflows';

export const isTimed = (trigger: string) => (TIMED_TRIGGERS as readonly string[]).includes(trigger);

/** Offset units of the editor's picker, as minutes each. */
export const OFFSET_UNITS = [
  { minutes: 1, one: 'minute', many: 'minutes' },
  { minutes: 60, one: 'hour', many: 'hours' },
  { minutes: 1440, one: 'day', many: 'days' },
] as const;

/**
 * The unit an offset reads best in: days from two whole days up, hours for whole hours (so 1440
 * is "24 hours", as the default reminder's name says), else minutes.
 */
export function offsetParts(minutes: number): { amount: number; unit: 1 | 60 | 1440 } {
  if (minutes >= 2880 && minutes % 1440 === 0) return { amount: minutes / 1440, unit: 1440 };
  if (minutes >= 60 && minutes % 60 === 0) return { amount: minutes / 60, unit: 60 };
  return { amount: minutes, unit: 1 };
}

export function offsetWords(minutes: number): string {
  const { amount, unit } = offsetParts(minutes);
  const u = OFFSET_UNITS.find((x) => x.minutes === unit)!;
  return `${amount} ${amount === 1 ? u.one : u.many}`;
}

/** The trigger's label in the editor's picker. */
export const TRIGGER_LABELS: Record<WorkflowTrigger, string> = {
  before_start: 'Before the meeting starts',
  after_end: 'After the meeting ends',
  booking_created: 'When a booking is made',
  booking_rescheduled: 'When a booking is rescheduled',
  booking_cancelled: 'When a booking is cancelled',
  marked_no_show: 'When marked no-show',
  marked_attended: 'When marked attended',
};

/** "24 hours before start", "When a booking is cancelled". */
export function triggerWords(trigger: string, offsetMinutes: number | null): string {
  if (trigger === 'before_start' && offsetMinutes !== null) return `${offsetWords(offsetMinutes)} before start`;
  if (trigger === 'after_end' && offsetMinutes !== null) return `${offsetWords(offsetMinutes)} after end`;
  return TRIGGER_LABELS[trigger as WorkflowTrigger] ?? trigger;
}

export const ACTION_LABELS: Record<WorkflowAction, string> = {
  email_booker: 'Email the booker',
  email_host: 'Email hosts',
  email_address: 'Email an address',
  webhook: 'Send webhook',
};

/** "Email the booker", "Email someone@x", "Send webhook". */
export function actionWords(action: string, to: string | null): string {
  if (action === 'email_address' && to) return `Email ${to}`;
  return ACTION_LABELS[action as WorkflowAction] ?? action;
}

export const isEmailAction = (action: string) => action !== 'webhook';
