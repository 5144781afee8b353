/** `/app/availability`: timezone, weekly hours, date overrides and a 7-day preview (SPEC 9). */
import { AppShell } from './app-shell';
import type { SessionUser } from '../domain/permissions';
import type { AvailabilityJson, PreviewDay } from '../services/availability';
import { RangeRow, WeeklyHours } from './availability-weekly';
import { DateOverrides, OverrideItem } from './availability-overrides';

export type AvailabilityPerson = { id: number; name: string; canEdit: boolean };

const STATE_TEXT: Record<PreviewDay['state'], string> = {
  free: '',
  off: 'Unavailable',
  booked: 'Fully booked',
  past: 'No time left today',
};

/** The free time the slot engine sees, as saved; public/availability.js refreshes it after Save. */
export function FreeTimePreview(props: { days: PreviewDay[]; zone: string }) {
  return (
    <section class="av-card av-preview" id="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Next 7 days</h2>
      <p class="muted">Free time bookers can get, in {props.zone}: weekly hours, overrides and existing bookings.</p>
      <ul class="av-preview-days">
        {props.days.map((d) => (
          <li data-date={d.date} data-state={d.state}>
            <span class="av-preview-date">
              {d.label}
              <span class="visually-hidden">:</span>
            </span>{' '}
            <span class="av-preview-free">
              {d.ranges.length
                ? d.ranges.map((r, i) => (
                    <>
                      {i > 0 && <span class="visually-hidden">, </span>}
                      <span class="av-preview-range">{r}</span>
                    </>
                  ))
                : STATE_TEXT[d.state]}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PersonPicker(props: { people: AvailabilityPerson[]; selected: number }) {
  return (
    <form class="av-person-picker" method="get" action="/app/availability">
      <label for="person">Availability of</label>
      <select id="person" name="userId">
        {props.people.map((p) => (
          <option value={String(p.id)} selected={p.id === props.selected}>
            {p.name}
            {p.canEdit ? '' : ' (view only)'}
          </option>
        ))}
      </select>
      <button type="submit">Show</button>
    </form>
  );
}

export function AvailabilityPage(props: {
  viewer: SessionUser;
  target: { id: number; name: string };
  availability: AvailabilityJson;
  preview: PreviewDay[];
  readOnly: boolean;
  people: AvailabilityPerson[];
  zones: string[];
  today: string;
  zoneTime: string;
}) {
  const { availability, readOnly, target } = props;
  const self = target.id === props.viewer.id;
  return (
    <AppShell user={props.viewer} current="availability" title="Availability" styles={['/availability.css']} scripts={readOnly ? [] : ['/availability.js']}>
      <div class="av-page-head">
        <div>
          <h1>Availability</h1>
          <p class="muted">{self ? 'When people can book you.' : `When people can book ${target.name}.`}</p>
        </div>
        {props.people.length > 1 && <PersonPicker people={props.people} selected={target.id} />}
      </div>
      {readOnly && <p class="av-notice">You can see {target.name}'s availability, but not change it.</p>}
      <form id="availability" class="availability" data-user-id={String(target.id)} novalidate>
        <div class="availability-grid">
          <div class="availability-main">
            <section class="av-card" aria-labelledby="weekly-title">
              <h2 id="weekly-title">Weekly hours</h2>
              <WeeklyHours weekly={availability.weekly} readOnly={readOnly} />
            </section>
            <section class="av-card" aria-labelledby="overrides-title">
              <h2 id="overrides-title">Date overrides</h2>
              <DateOverrides overrides={availability.overrides} today={props.today} zone={availability.timezone} readOnly={readOnly} />
            </section>
          </div>
          <div class="availability-side">
            <section class="av-card" aria-labelledby="timezone-title">
              <h2 id="timezone-title">
                <label for="timezone">Timezone</label>
              </h2>
              <select id="timezone" name="timezone" disabled={readOnly} aria-describedby="timezone-hint timezone-error">
                {props.zones.map((z) => (
                  <option value={z} selected={z === availability.timezone}>
                    {z.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
              <p class="muted" id="timezone-hint">
                It is {props.zoneTime} there now. Weekly hours and override dates are in this zone.
              </p>
              <span class="field-error" id="timezone-error"></span>
            </section>
            <FreeTimePreview days={props.preview} zone={availability.timezone} />
          </div>
        </div>
        {!readOnly && (
          <div class="av-save-bar">
            <p class="form-error" role="alert"></p>
            <p class="av-save-status" role="status"></p>
            <button type="submit">Save</button>
          </div>
        )}
      </form>
      {!readOnly && (
        <>
          <template id="range-template">
            <RangeRow where="" readOnly={false} />
          </template>
          <template id="override-template">
            <OverrideItem group={{ date: '', unavailable: false, ranges: [] }} readOnly={false} />
          </template>
        </>
      )}
    </AppShell>
  );
}
