/**
 * Date overrides of the availability editor. A date is a local date in the edited user's zone,
 * kept as its YYYY-MM-DD string from the database to the page and back: nothing here (or in
 * public/availability.js) reads it through a Date in some zone, so no viewer's browser shifts it.
 */
import type { OverrideJson } from '../services/availability';
import { RangeRow } from './availability-weekly';

const dateLabel = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
/** "Tue, Dec 8, 2026": the calendar date itself (formatted at UTC, where its midnight is exact). */
export const overrideLabel = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return dateLabel.format(Date.UTC(y, m - 1, d));
};

type OverrideGroup = { date: string; unavailable: boolean; ranges: { start: string; end: string }[] };

/** API entries (one per range, or one day off) → one item per date, in date order. */
export function groupOverrides(overrides: OverrideJson[]): OverrideGroup[] {
  const groups = new Map<string, OverrideGroup>();
  for (const o of overrides) {
    const g = groups.get(o.date) ?? { date: o.date, unavailable: false, ranges: [] };
    if ('unavailable' in o) g.unavailable = true;
    else g.ranges.push({ start: o.start, end: o.end });
    groups.set(o.date, g);
  }
  return [...groups.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/** One date: its label, day off or its own ranges. Also the template new dates are cloned from. */
export function OverrideItem(props: { group: OverrideGroup; readOnly: boolean }) {
  const { group, readOnly } = props;
  const label = group.date ? overrideLabel(group.date) : '';
  return (
    <li class="av-override" data-date={group.date} data-name={label}>
      <input type="hidden" name="date" value={group.date} />
      <div class="av-override-head">
        <span class="av-override-date">{label}</span>
        {!readOnly && (
          <button type="button" class="av-text-button av-danger-text" data-remove-override>
            Remove<span class="visually-hidden"> override (<span class="where">{label}</span>)</span>
          </button>
        )}
      </div>
      <label class="av-check">
        <input type="checkbox" name="unavailable" class="av-override-off" checked={group.unavailable} disabled={readOnly} /> Unavailable all day
        <span class="visually-hidden">
          {' '}
          (<span class="where">{label}</span>)
        </span>
      </label>
      <ul class="av-ranges" hidden={group.unavailable}>
        {group.ranges.map((r) => (
          <RangeRow where={label} start={r.start} end={r.end} readOnly={readOnly} />
        ))}
      </ul>
      {!readOnly && (
        <button type="button" class="av-text-button" data-add-range hidden={group.unavailable}>
          + Add range<span class="visually-hidden"> ({label})</span>
        </button>
      )}
      <span class="field-error"></span>
    </li>
  );
}

export function DateOverrides(props: { overrides: OverrideJson[]; today: string; zone: string; readOnly: boolean }) {
  const groups = groupOverrides(props.overrides);
  return (
    <>
      <p class="muted" id="overrides-zone">
        Dates in {props.zone}. An override replaces that day's weekly hours: its own ranges, or unavailable all day.
      </p>
      <ul class="av-overrides">
        {groups.map((g) => (
          <OverrideItem group={g} readOnly={props.readOnly} />
        ))}
      </ul>
      <p class="empty av-overrides-empty" hidden={groups.length > 0}>
        No date overrides.
      </p>
      {!props.readOnly && (
        <div class="av-override-add" role="group" aria-labelledby="override-add-title">
          <h3 id="override-add-title">Add an override</h3>
          <div class="av-override-add-fields">
            <label>
              Date
              <input type="date" name="date" id="override-date" min={props.today} aria-describedby="override-date-error" />
            </label>
            <label class="av-check">
              <input type="checkbox" id="override-unavailable" checked /> Unavailable all day
            </label>
            <button type="button" data-add-override>
              Add date
            </button>
          </div>
          <span class="field-error" id="override-date-error"></span>
        </div>
      )}
    </>
  );
}
