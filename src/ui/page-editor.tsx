import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import { control, Field, FieldError, NumberField, Section } from './page-editor-fields';
import { LOCATION_CHOICES, STRATEGY_LABELS, type IssueMap, type PageDraft } from './page-editor-draft';
import { QuestionsEditor } from './questions-editor';

export type EditorProps = {
  user: SessionUser;
  /** Absent for a new page. */
  pageId?: number;
  /** The saved slug (the live link), which the draft's may differ from while typing. */
  savedSlug?: string;
  draft: PageDraft;
  issues: IssueMap;
  hostOptions: { id: number; name: string }[];
  timezones: string[];
  readOnly: boolean;
  canDelete: boolean;
  saved: boolean;
  appUrl: string;
};

const STRATEGY_HINTS: Record<string, string> = {
  individual: 'One host meets each booker.',
  round_robin: 'Each booking goes to one free host, taking turns.',
  collective: 'Every host attends; only times all are free.',
  group: 'One host, many bookers per time, up to a capacity.',
};

function Basics({ d, issues, appUrl }: { d: PageDraft; issues: IssueMap; appUrl: string }) {
  return (
    <Section id="basics" title="Basics" intro="What bookers see first on your page.">
      <Field name="title" label="Title" issues={issues}>
        <input {...control('title', issues)} value={d.title} maxlength={200} required placeholder="Intro call" />
      </Field>
      <Field name="slug" label="Link" hint="Lowercase letters, digits and dashes; 3 to 64 of them." issues={issues}>
        <span class="pe-slug">
          <span class="pe-prefix" aria-hidden="true">
            <span class="pe-origin">{appUrl.replace(/^https?:\/\//, '')}</span>/b/
          </span>
          <input {...control('slug', issues, true)} value={d.slug} maxlength={64} required autocapitalize="none" spellcheck={false} placeholder="intro-call" />
        </span>
      </Field>
      <Field name="description" label="Description" hint="Optional. Shown under the title." issues={issues}>
        <textarea {...control('description', issues, true)} rows={3} maxlength={5000}>
          {d.description}
        </textarea>
      </Field>
      <NumberField name="durationMinutes" label="Duration" unit="minutes" value={d.durationMinutes} issues={issues} min={5} max={720} class="pe-narrow" />
    </Section>
  );
}

function Location({ d, issues }: { d: PageDraft; issues: IssueMap }) {
  const current = LOCATION_CHOICES.find((l) => l.value === d.locationType) ?? LOCATION_CHOICES[0];
  return (
    <Section id="location" title="Location" intro="Where the meeting happens. Google Meet links are made for each booking.">
      <div class="pe-row">
        <Field name="locationType" label="Location type" issues={issues}>
          <select {...control('locationType', issues)}>
            {LOCATION_CHOICES.map((l) => (
              <option value={l.value} selected={l.value === d.locationType} data-value-label={l.valueLabel}>
                {l.label}
              </option>
            ))}
          </select>
        </Field>
        <Field name="locationValue" label={<span data-location-label>{current.valueLabel || 'Details'}</span>} issues={issues} class="pe-when-location-value">
          <input {...control('locationValue', issues)} value={d.locationValue} maxlength={500} />
        </Field>
      </div>
    </Section>
  );
}

function Hosts({ d, issues, hostOptions, user }: { d: PageDraft; issues: IssueMap; hostOptions: EditorProps['hostOptions']; user: SessionUser }) {
  const chosen = new Map(d.hosts.map((h) => [h.userId, h.weight]));
  // Two hosts are needed for the shared strategies; offer them only when there could be two.
  const strategies = Object.keys(STRATEGY_LABELS).filter((s) => hostOptions.length > 1 || s === d.strategy || s === 'individual' || s === 'group');
  return (
    <Section id="hosts" title="Hosts" intro="Who meets the bookers, and how bookings are shared between them.">
      <fieldset class="pe-choices" aria-describedby="e-strategy">
        <legend>Assignment</legend>
        {strategies.map((s, i) => (
          <label class="pe-choice">
            <input type="radio" name="strategy" id={i === 0 ? 'f-strategy' : undefined} value={s} checked={d.strategy === s} aria-describedby={`h-strategy-${s}`} />
            <span>
              <strong>{STRATEGY_LABELS[s]}</strong>
              <span class="muted" id={`h-strategy-${s}`}>
                {STRATEGY_HINTS[s]}
              </span>
            </span>
          </label>
        ))}
        <FieldError name="strategy" issues={issues} />
      </fieldset>
      <fieldset class="pe-hosts" aria-describedby="e-hosts">
        <legend>Hosts</legend>
        <ul class="pe-host-list">
          {hostOptions.map((h, i) => (
            <li class="pe-host" data-host={h.id}>
              <label class="pe-check">
                <input
                  type="checkbox"
                  id={i === 0 ? 'f-hosts' : undefined}
                  name="hosts.userId"
                  value={h.id}
                  checked={chosen.has(h.id)}
                  aria-invalid={issues.hosts ? 'true' : undefined}
                  aria-describedby="e-hosts"
                />{' '}
                {h.name}
                {h.id === user.id ? ' (you)' : ''}
              </label>
              <label class="pe-weight pe-when-rr">
                Weight<span class="visually-hidden"> for {h.name}</span>
                <input type="number" name={`hosts.weight.${h.id}`} min={1} max={100} step={1} inputmode="numeric" value={chosen.get(h.id) ?? '1'} />
              </label>
            </li>
          ))}
        </ul>
        <span class="pe-hint pe-when-rr">A higher weight wins ties when several hosts are free.</span>
        <FieldError name="hosts" issues={issues} />
      </fieldset>
      <NumberField name="groupCapacity" label="Seats per time" unit="bookers" value={d.groupCapacity} issues={issues} min={2} max={1000} class="pe-narrow pe-when-group" />
    </Section>
  );
}

function Rules({ d, issues, timezones }: { d: PageDraft; issues: IssueMap; timezones: string[] }) {
  const zones = timezones.includes(d.timezone) ? timezones : [d.timezone, ...timezones];
  return (
    <Section id="rules" title="Availability rules" intro="Times come from each host's working hours (Availability); these rules shape them for this page.">
      <Field name="timezone" label="Page timezone" hint="Bookings are shown in this zone on the Bookings page." issues={issues}>
        <select {...control('timezone', issues, true)}>
          {zones.map((z) => (
            <option selected={z === d.timezone}>{z}</option>
          ))}
        </select>
      </Field>
      <div class="pe-grid">
        <NumberField name="slotIntervalMinutes" label="Start times every" unit="minutes" value={d.slotIntervalMinutes} issues={issues} min={5} max={720} placeholder="Duration" hint="Blank: the duration." />
        <NumberField name="minimumNoticeMinutes" label="Minimum notice" unit="minutes" value={d.minimumNoticeMinutes} issues={issues} min={0} max={129600} />
        <NumberField name="horizonDays" label="Bookable up to" unit="days ahead" value={d.horizonDays} issues={issues} min={1} max={730} />
        <NumberField name="bufferBeforeMinutes" label="Buffer before" unit="minutes" value={d.bufferBeforeMinutes} issues={issues} min={0} max={240} />
        <NumberField name="bufferAfterMinutes" label="Buffer after" unit="minutes" value={d.bufferAfterMinutes} issues={issues} min={0} max={240} />
      </div>
    </Section>
  );
}

function Settings({ d, issues }: { d: PageDraft; issues: IssueMap }) {
  return (
    <Section id="settings" title="Settings">
      <label class="pe-check">
        <input type="checkbox" {...control('active', issues)} checked={d.active} /> Accepting bookings
      </label>
      <FieldError name="active" issues={issues} />
      <label class="pe-check">
        <input type="checkbox" {...control('briefingEnabled', issues)} checked={d.briefingEnabled} /> Email the host a briefing an hour before each meeting
      </label>
      <FieldError name="briefingEnabled" issues={issues} />
    </Section>
  );
}

/** `/app/pages/new` and `/app/pages/:id`: every page field of SPEC 6 in one form; public/pages.js saves it. */
export function PageEditor(p: EditorProps) {
  const d = p.draft;
  const heading = p.pageId ? d.title || 'Scheduling page' : 'New scheduling page';
  const issueCount = Object.keys(p.issues).length;
  return (
    <AppShell user={p.user} current="pages" title={heading} styles={['/editor.css']} scripts={['/pages.js']}>
      <div class="pe-wrap">
      <p class="pe-back">
        <a href="/app/pages">← Scheduling pages</a>
      </p>
      <div class="pl-head">
        <h1>{heading}</h1>
        {p.savedSlug && (
          <a class="pg-btn" href={`/b/${p.savedSlug}`} data-live-link>
            View live page
          </a>
        )}
      </div>
      <p class="pe-status" role="status" data-status>
        {p.saved && p.savedSlug && (
          <>
            Saved. Your page is live at <a href={`/b/${p.savedSlug}`}>/b/{p.savedSlug}</a>.
          </>
        )}
      </p>
      {p.readOnly && <p class="pe-readonly">You can view this page, but not change it.</p>}
      <div class="pe-alert" role="alert" tabindex={-1} data-form-alert hidden={issueCount === 0}>
        {issueCount > 0 && (
          <>
            {issueCount === 1 ? 'Fix this, then save again:' : `Fix these ${issueCount} things, then save again:`}
            <ul>
              {Object.entries(p.issues).map(([key, message]) => (
                <li>{key ? <a href={`#f-${key}`}>{message}</a> : message}</li>
              ))}
            </ul>
          </>
        )}
      </div>
      <form class="pe-form" method="post" action={p.pageId ? `/app/pages/${p.pageId}` : '/app/pages/new'} novalidate data-page-form data-page-id={p.pageId} data-new-page={p.pageId ? undefined : ''}>
        <fieldset class="pe-all" disabled={p.readOnly}>
          <legend class="visually-hidden">Page settings</legend>
          <Basics d={d} issues={p.issues} appUrl={p.appUrl} />
          <Location d={d} issues={p.issues} />
          <Rules d={d} issues={p.issues} timezones={p.timezones} />
          <Hosts d={d} issues={p.issues} hostOptions={p.hostOptions} user={p.user} />
          <Section id="questions" title="Questions" intro="Asked on the booking form after name, email and phone.">
            <QuestionsEditor questions={d.questions} issues={p.issues} readOnly={p.readOnly} />
          </Section>
          <Settings d={d} issues={p.issues} />
        </fieldset>
        {!p.readOnly && (
          <div class="pe-bar">
            <button type="submit">{p.pageId ? 'Save changes' : 'Create page'}</button>
            <a href="/app/pages">Cancel</a>
            {p.pageId && p.canDelete && (
              <button type="button" class="pe-delete-open pg-danger-text" data-delete-open aria-expanded="false" aria-controls="delete-confirm">
                Delete page
              </button>
            )}
          </div>
        )}
      </form>
      {p.pageId && p.canDelete && !p.readOnly && (
        <div class="pe-confirm" id="delete-confirm" role="group" aria-labelledby="delete-q" hidden data-delete-confirm>
          <p id="delete-q">
            <strong>Delete “{d.title}”?</strong> Its link stops taking bookings at once. Bookings already made are kept.
          </p>
          <p class="form-error" data-delete-error role="alert"></p>
          <button type="button" class="danger" data-delete-yes>
            Delete page
          </button>{' '}
          <button type="button" data-delete-no>
            Keep page
          </button>
        </div>
      )}
      </div>
    </AppShell>
  );
}
