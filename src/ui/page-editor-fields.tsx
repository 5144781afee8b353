import type { Child } from 'hono/jsx';
import type { IssueMap } from './page-editor-draft';

/**
 * Every control's id is `f-<name>` and its message's `e-<name>`, where the name is the API's field
 * path joined with dots (`questions.0.label`): public/pages.js finds a server issue's field by its path.
 */
export function control(name: string, issues: IssueMap, hint?: boolean) {
  return {
    id: `f-${name}`,
    name,
    'aria-invalid': issues[name] ? ('true' as const) : undefined,
    'aria-describedby': hint ? `h-${name} e-${name}` : `e-${name}`,
  };
}

export const FieldError = ({ name, issues }: { name: string; issues: IssueMap }) => (
  <span class="field-error" id={`e-${name}`}>
    {issues[name]}
  </span>
);

/** A labelled control with its hint and its message; `children` is the control itself. */
export function Field(props: { name: string; label: Child; hint?: string; issues: IssueMap; class?: string; children: Child }) {
  return (
    <div class={`pe-field${props.class ? ` ${props.class}` : ''}`}>
      <label for={`f-${props.name}`}>{props.label}</label>
      {props.children}
      {props.hint && (
        <span class="pe-hint" id={`h-${props.name}`}>
          {props.hint}
        </span>
      )}
      <FieldError name={props.name} issues={props.issues} />
    </div>
  );
}

type NumberProps = { name: string; label: string; value: string; issues: IssueMap; min: number; max: number; unit?: string; hint?: string; placeholder?: string; class?: string };

export function NumberField(p: NumberProps) {
  return (
    <Field name={p.name} label={<>{p.label}{p.unit && <span class="visually-hidden"> ({p.unit})</span>}</>} hint={p.hint} issues={p.issues} class={p.class}>
      <span class="pe-unit">
        <input {...control(p.name, p.issues, !!p.hint)} type="number" inputmode="numeric" min={p.min} max={p.max} step={1} value={p.value} placeholder={p.placeholder} />
        {p.unit && <span aria-hidden="true">{p.unit}</span>}
      </span>
    </Field>
  );
}

/** A section of the editor, like Cal.com's event-type editor: a heading, a line on what it sets, its fields. */
export const Section = (props: { id: string; title: string; intro?: string; children: Child }) => (
  <section class="pe-section" aria-labelledby={`s-${props.id}`}>
    <h2 id={`s-${props.id}`}>{props.title}</h2>
    {props.intro && <p class="muted pe-intro">{props.intro}</p>}
    {props.children}
  </section>
);
