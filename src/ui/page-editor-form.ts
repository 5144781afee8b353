/**
 * The editor's form as sent without JavaScript (the same names public/pages.js reads): what was
 * typed, as a draft to show again, and as the API's JSON body; and server issues by field.
 */
import type { Issue } from '../http/errors';
import type { IssueMap, PageDraft, QuestionDraft } from './page-editor-draft';

type FormValues = Record<string, string | File | (string | File)[]>;

const one = (v: FormValues[string] | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) ? one(v[0]) : '');
const all = (v: FormValues[string] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(one));
const num = (s: string) => (s.trim() === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : s);

/** A stable id from a question's label (answers are kept by id), unique within the page. */
export function questionId(label: string, taken: Set<string>) {
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 36) || 'question';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

export function readPageForm(f: FormValues): PageDraft {
  const indices = [...new Set(Object.keys(f).flatMap((k) => /^questions\.(\d+)\./.exec(k)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
  const taken = new Set(indices.map((i) => one(f[`questions.${i}.id`])).filter(Boolean));
  const questions: QuestionDraft[] = indices.map((i) => {
    const q = (field: string) => one(f[`questions.${i}.${field}`]);
    return { id: q('id') || questionId(q('label'), taken), label: q('label'), type: q('type'), required: q('required') !== '', options: q('options') };
  });
  return {
    title: one(f.title),
    slug: one(f.slug),
    description: one(f.description),
    durationMinutes: one(f.durationMinutes),
    timezone: one(f.timezone),
    locationType: one(f.locationType),
    locationValue: one(f.locationValue),
    strategy: one(f.strategy),
    groupCapacity: one(f.groupCapacity),
    hosts: all(f['hosts.userId']).map((id) => ({ userId: Number(id), weight: one(f[`hosts.weight.${id}`]) || '1' })),
    slotIntervalMinutes: one(f.slotIntervalMinutes),
    minimumNoticeMinutes: one(f.minimumNoticeMinutes),
    horizonDays: one(f.horizonDays),
    bufferBeforeMinutes: one(f.bufferBeforeMinutes),
    bufferAfterMinutes: one(f.bufferAfterMinutes),
    questions,
    briefingEnabled: one(f.briefingEnabled) !== '',
    active: one(f.active) !== '',
  };
}

/** The API body for a draft, as public/pages.js builds it: blanks left to the defaults (or unchanged). */
export function pageBody(d: PageDraft, isNew: boolean) {
  return {
    title: d.title,
    slug: d.slug.trim(),
    description: d.description,
    durationMinutes: num(d.durationMinutes),
    timezone: d.timezone,
    locationType: d.locationType,
    locationValue: d.locationType === 'google_meet' ? null : d.locationValue,
    strategy: d.strategy,
    groupCapacity: d.strategy === 'group' ? (num(d.groupCapacity) ?? null) : null,
    hosts: d.hosts.map((h) => ({ userId: h.userId, weight: num(h.weight) ?? 1 })),
    slotIntervalMinutes: num(d.slotIntervalMinutes) ?? (isNew ? undefined : num(d.durationMinutes)),
    minimumNoticeMinutes: num(d.minimumNoticeMinutes),
    horizonDays: num(d.horizonDays),
    bufferBeforeMinutes: num(d.bufferBeforeMinutes),
    bufferAfterMinutes: num(d.bufferAfterMinutes),
    questions: d.questions.map((q) => ({
      id: q.id,
      label: q.label,
      type: q.type,
      required: q.required,
      ...(q.type === 'select' ? { options: q.options.split('\n').map((o) => o.trim()).filter(Boolean) } : {}),
    })),
    briefingEnabled: d.briefingEnabled,
    active: d.active,
  };
}

const QUESTION_FIELDS = new Set(['label', 'type', 'options']);
// Every field with a message of its own beside it (the keys of PageDraft).
const TOP_FIELDS = new Set<string>([
  'title', 'slug', 'description', 'durationMinutes', 'timezone', 'locationType', 'locationValue', 'strategy', 'groupCapacity', 'hosts',
  'slotIntervalMinutes', 'minimumNoticeMinutes', 'horizonDays', 'bufferBeforeMinutes', 'bufferAfterMinutes', 'questions', 'briefingEnabled', 'active',
] satisfies (keyof PageDraft)[]);

/** Each issue under the field that shows it (the page-level ones under ''). */
export function issueMap(issues: Issue[]): IssueMap {
  const map: IssueMap = {};
  for (const issue of issues) {
    const [top, index, field] = issue.path.map(String);
    const key =
      top === 'questions' && index !== undefined && QUESTION_FIELDS.has(field) ? `questions.${index}.${field}` : TOP_FIELDS.has(top) ? top : '';
    map[key] = map[key] ? `${map[key]} ${issue.message}` : issue.message;
  }
  return map;
}
