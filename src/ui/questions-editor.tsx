import { control, FieldError } from './page-editor-fields';
import type { IssueMap, QuestionDraft } from './page-editor-draft';

const TYPES = [
  { value: 'text', label: 'Short text' },
  { value: 'textarea', label: 'Long text' },
  { value: 'select', label: 'Dropdown' },
  { value: 'checkbox', label: 'Checkbox' },
];

/**
 * One question's fields, named by position (`questions.<i>.label`). public/pages.js renumbers
 * them after an add, remove or move, and clones the template row (index `__i__`) to add one.
 */
function Question({ q, i, issues, readOnly }: { q: QuestionDraft; i: number | '__i__'; issues: IssueMap; readOnly: boolean }) {
  const n = (field: string) => `questions.${i}.${field}`;
  const number = typeof i === 'number' ? i + 1 : 1;
  return (
    <li class="pe-q" data-question>
      <fieldset>
        <legend data-q-legend>Question {number}</legend>
        <input type="hidden" name={n('id')} value={q.id} data-q-field="id" />
        <div class="pe-q-grid">
          <div class="pe-field">
            <label for={`f-${n('label')}`} data-q-for="label">
              Label
            </label>
            <input {...control(n('label'), issues)} value={q.label} maxlength={200} data-q-field="label" />
            <FieldError name={n('label')} issues={issues} />
          </div>
          <div class="pe-field">
            <label for={`f-${n('type')}`} data-q-for="type">
              Answer type
            </label>
            <select {...control(n('type'), issues)} data-q-field="type">
              {TYPES.map((t) => (
                <option value={t.value} selected={q.type === t.value}>
                  {t.label}
                </option>
              ))}
            </select>
            <FieldError name={n('type')} issues={issues} />
          </div>
        </div>
        <div class="pe-field pe-when-select">
          <label for={`f-${n('options')}`} data-q-for="options">
            Options, one per line
          </label>
          <textarea {...control(n('options'), issues)} rows={3} data-q-field="options">
            {q.options}
          </textarea>
          <FieldError name={n('options')} issues={issues} />
        </div>
        <div class="pe-q-foot">
          <label class="pe-check">
            <input type="checkbox" name={n('required')} id={`f-${n('required')}`} checked={q.required} data-q-field="required" /> Required
          </label>
          {!readOnly && (
            <span class="pe-q-tools">
              <button type="button" class="pg-small" data-q-move="-1" aria-label={`Move question ${number} up`}>
                ↑ Up
              </button>
              <button type="button" class="pg-small" data-q-move="1" aria-label={`Move question ${number} down`}>
                ↓ Down
              </button>
              <button type="button" class="pg-small pg-danger-text" data-q-remove aria-label={`Remove question ${number}`}>
                Remove
              </button>
            </span>
          )}
        </div>
      </fieldset>
    </li>
  );
}

/** The booking form's own questions, after name, email and phone. */
export function QuestionsEditor(props: { questions: QuestionDraft[]; issues: IssueMap; readOnly: boolean }) {
  return (
    <div class="pe-questions" data-questions>
      <ol class="pe-q-list" data-q-list>
        {props.questions.map((q, i) => (
          <Question q={q} i={i} issues={props.issues} readOnly={props.readOnly} />
        ))}
      </ol>
      <p class="muted pe-q-empty" data-q-empty hidden={props.questions.length > 0}>
        No questions yet. Bookers give their name, email and an optional phone number.
      </p>
      <FieldError name="questions" issues={props.issues} />
      {!props.readOnly && (
        <>
          <template data-q-template>
            <Question q={{ id: '', label: '', type: 'text', required: false, options: '' }} i="__i__" issues={{}} readOnly={false} />
          </template>
          <button type="button" data-q-add>
            + Add a question
          </button>
        </>
      )}
    </div>
  );
}
