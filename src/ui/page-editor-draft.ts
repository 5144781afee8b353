/**
 * What the page editor shows: a scheduling page as typed into the form (numbers as the text in
 * their inputs), so a form sent back with issues keeps exactly what was typed.
 */
import type { pageJson } from '../db/pages';
import type { SessionUser } from '../domain/permissions';

export type PageJson = ReturnType<typeof pageJson>;

export type QuestionDraft = { id: string; label: string; type: string; required: boolean; options: string };

export type PageDraft = {
  title: string;
  slug: string;
  description: string;
  durationMinutes: string;
  timezone: string;
  locationType: string;
  locationValue: string;
  strategy: string;
  groupCapacity: string;
  hosts: { userId: number; weight: string }[];
  slotIntervalMinutes: string;
  minimumNoticeMinutes: string;
  horizonDays: string;
  bufferBeforeMinutes: string;
  bufferAfterMinutes: string;
  questions: QuestionDraft[];
  briefingEnabled: boolean;
  active: boolean;
};

const text = (n: number | null | undefined) => (n == null ? '' : String(n));

export const draftFromPage = (p: PageJson): PageDraft => ({
  title: p.title,
  slug: p.slug,
  description: p.description,
  durationMinutes: text(p.durationMinutes),
  timezone: p.timezone,
  locationType: p.locationType,
  locationValue: p.locationValue ?? '',
  strategy: p.strategy,
  groupCapacity: text(p.groupCapacity),
  hosts: p.hosts.map((h) => ({ userId: h.userId, weight: text(h.weight) })),
  slotIntervalMinutes: text(p.slotIntervalMinutes),
  minimumNoticeMinutes: text(p.minimumNoticeMinutes),
  horizonDays: text(p.horizonDays),
  bufferBeforeMinutes: text(p.bufferBeforeMinutes),
  bufferAfterMinutes: text(p.bufferAfterMinutes),
  questions: p.questions.map((q) => ({ id: q.id, label: q.label, type: q.type, required: q.required, options: (q.options ?? []).join('\n') })),
  briefingEnabled: p.briefingEnabled,
  active: p.active,
});

/** A new page: one-on-one, hosted by the viewer, in their zone, with the SPEC 6 defaults. */
export const newPageDraft = (user: SessionUser): PageDraft => ({
  title: '',
  slug: '',
  description: '',
  durationMinutes: '30',
  timezone: user.timezone,
  locationType: 'google_meet',
  locationValue: '',
  strategy: 'individual',
  groupCapacity: '',
  hosts: [{ userId: user.id, weight: '1' }],
  slotIntervalMinutes: '',
  minimumNoticeMinutes: '0',
  horizonDays: '60',
  bufferBeforeMinutes: '0',
  bufferAfterMinutes: '0',
  questions: [],
  briefingEnabled: true,
  active: true,
});

/** Server issues by field: the issue path joined with dots, which is also the field's name. */
export type IssueMap = Record<string, string>;

export const STRATEGY_LABELS: Record<string, string> = {
  individual: 'One host',
  round_robin: 'Round robin',
  collective: 'Collective',
  group: 'Group',
};

export const LOCATION_CHOICES = [
  { value: 'google_meet', label: 'Google Meet', valueLabel: '' },
  { value: 'zoom', label: 'Zoom', valueLabel: 'Zoom link' },
  { value: 'phone', label: 'Phone call', valueLabel: 'Phone number' },
  { value: 'in_person', label: 'In person', valueLabel: 'Address' },
  { value: 'custom', label: 'Custom', valueLabel: 'Where or how to join' },
] as const;
