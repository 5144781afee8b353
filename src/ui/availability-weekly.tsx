/** Weekly hours of the availability editor: one row per day, each with its ranges (SPEC 9). */
import type { WeeklyJson } from '../services/availability';

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Monday first, as Cal.com and most of the world's calendars (the API keeps 0 = Sunday). */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

/** `<input type="time">` cannot hold 24:00: the end of the day shows as 00:00 and is sent back as 24:00. */
const timeValue = (clock: string) => (clock === '24:00' ? '00:00' : clock);

/**
 * One range: start and end side by side. `where` names the day or date for screen readers, so
 * every field and button has a name of its own ("Monday start", "Remove range (Monday)").
 */
export function RangeRow(props: { where: string; start?: string; end?: string; readOnly: boolean }) {
  return (
    <li class="av-range">
      <span class="av-range-times">
        <label class="av-time">
          <span class="visually-hidden">
            <span class="where">{props.where}</span> start
          </span>
          <input type="time" name="start" value={props.start ? timeValue(props.start) : ''} disabled={props.readOnly} />
        </label>
        <span class="av-dash" aria-hidden="true">
          –
        </span>
        <label class="av-time">
          <span class="visually-hidden">
            <span class="where">{props.where}</span> end
          </span>
          <input type="time" name="end" value={props.end ? timeValue(props.end) : ''} disabled={props.readOnly} />
        </label>
        {!props.readOnly && (
          <button type="button" class="av-icon-button" data-remove-range title="Remove range">
            <span aria-hidden="true">✕</span>
            <span class="visually-hidden">
              Remove range (<span class="where">{props.where}</span>)
            </span>
          </button>
        )}
      </span>
      <span class="field-error"></span>
    </li>
  );
}

function CopyTo(props: { day: number }) {
  const name = DAY_NAMES[props.day];
  return (
    <div class="av-copy-to" id={`copy-${props.day}`} hidden>
      <fieldset>
        <legend>Copy {name}'s hours to</legend>
        <div class="av-copy-days">
          {WEEK_ORDER.filter((d) => d !== props.day).map((d) => (
            <label class="av-check">
              <input type="checkbox" value={String(d)} /> {DAY_NAMES[d]}
            </label>
          ))}
        </div>
        <div class="av-copy-actions">
          <button type="button" data-copy-apply>
            Apply
          </button>
          <button type="button" class="av-text-button" data-copy-cancel>
            Cancel
          </button>
        </div>
      </fieldset>
    </div>
  );
}

function DayRow(props: { day: number; ranges: WeeklyJson[]; readOnly: boolean }) {
  const name = DAY_NAMES[props.day];
  const on = props.ranges.length > 0;
  return (
    <li class="av-day" data-day={String(props.day)} data-name={name}>
      <label class="av-switch">
        <input type="checkbox" role="switch" class="av-day-on" checked={on} disabled={props.readOnly} />
        <span class="av-day-name">{name}</span>
      </label>
      <div class="av-day-body">
        <p class="av-day-off muted" hidden={on}>
          Unavailable
        </p>
        <ul class="av-ranges" hidden={!on}>
          {props.ranges.map((r) => (
            <RangeRow where={name} start={r.start} end={r.end} readOnly={props.readOnly} />
          ))}
        </ul>
      </div>
      {!props.readOnly && (
        <>
          <div class="av-day-tools">
            <button type="button" class="av-text-button" data-add-range>
              + Add range<span class="visually-hidden"> ({name})</span>
            </button>
            <button type="button" class="av-text-button" data-copy-open aria-expanded="false" aria-controls={`copy-${props.day}`}>
              Copy to…<span class="visually-hidden"> ({name})</span>
            </button>
          </div>
          <CopyTo day={props.day} />
        </>
      )}
    </li>
  );
}

export function WeeklyHours(props: { weekly: WeeklyJson[]; readOnly: boolean }) {
  return (
    <ul class="av-week">
      {WEEK_ORDER.map((day) => (
        <DayRow day={day} ranges={props.weekly.filter((w) => w.day === day)} readOnly={props.readOnly} />
      ))}
    </ul>
  );
}
