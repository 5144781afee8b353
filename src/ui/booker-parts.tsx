/** Pieces both booker pages share: who you meet, the facts of the meeting, the month picker. */
import type { Locale } from '../domain/locales';
import { LOCALES } from '../domain/locales';
import { fill, type Messages } from './i18n';

/** "RR" for Ravi Rep: initials on a colour picked from the name, so each host keeps theirs. */
const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0])
    .slice(0, 2)
    .join('')
    .toUpperCase();
const hue = (name: string) => [...name].reduce((h, ch) => (h * 31 + ch.codePointAt(0)!) % 360, 7);
const AVATAR_COLOURS = 6;

export const HostAvatars = (props: { names: string[] }) => (
  <div class="avatars" aria-hidden="true">
    {props.names.slice(0, 4).map((n) => (
      <span class={`avatar avatar-${hue(n) % AVATAR_COLOURS}`}>{initials(n)}</span>
    ))}
  </div>
);

export const nameList = (t: Messages, names: string[]) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} ${t.and} ${names[names.length - 1]}`;

export const locationText = (t: Messages, type: string, value?: string | null) => {
  const label = (t[`location_${type}` as keyof Messages] as string | undefined) ?? type;
  return value && type !== 'zoom' && type !== 'custom' ? `${label} · ${value}` : label;
};

/** Duration and place, each with a small CSS icon (no image requests). */
export const MeetingFacts = (props: { t: Messages; minutes: number; locationType: string; locationValue?: string | null }) => (
  <ul class="facts">
    <li class="fact fact-time">{fill(props.t.durationMinutes, { n: props.minutes })}</li>
    <li class="fact fact-place">{locationText(props.t, props.locationType, props.locationValue)}</li>
  </ul>
);

/** The month calendar and the day's times; public/book.js fills both from the page's data. */
export const MonthPicker = (props: { t: Messages; heading: string }) => {
  const t = props.t;
  return (
    <section class="picker" aria-labelledby="picker-heading" data-picker>
      <h2 id="picker-heading">{props.heading}</h2>
      <div class="picker-body">
        <div class="cal">
          <div class="cal-head">
            <h3 id="cal-month" class="cal-month" data-month aria-live="polite"></h3>
            <button type="button" class="cal-nav" data-prev aria-label={t.prevMonth}>
              <span aria-hidden="true">‹</span>
            </button>
            <button type="button" class="cal-nav" data-next aria-label={t.nextMonth}>
              <span aria-hidden="true">›</span>
            </button>
          </div>
          <table class="cal-grid" role="grid" aria-labelledby="cal-month" data-grid>
            <thead>
              <tr data-weekdays></tr>
            </thead>
            <tbody data-weeks></tbody>
          </table>
          <p class="cal-status muted" data-status role="status"></p>
        </div>
        <div class="day-times" data-day-panel>
          <h3 class="times-heading" data-day-heading></h3>
          <div class="times" data-times role="group"></div>
        </div>
        <div class="tz-row">
          <label class="tz-label" for="tz-select">
            {t.timezone}
          </label>
          <div class="tz-controls">
            <input type="search" class="tz-search" data-tz-search aria-label={t.timezoneSearch} placeholder={t.timezoneSearch} autocomplete="off" />
            <select id="tz-select" name="timezone" data-timezone>
              <option value="UTC">UTC</option>
            </select>
          </div>
          <p class="tz-now muted" data-tz-now></p>
          <div class="hour-switch" role="group" aria-label={t.timeFormat}>
            <button type="button" data-hour="12" aria-pressed="false">
              {t.hour12}
            </button>
            <button type="button" data-hour="24" aria-pressed="false">
              {t.hour24}
            </button>
          </div>
        </div>
      </div>
    </section>
  );
};

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', 'pt-BR': 'Português (Brasil)' };

/** The page in another language: the same address with ?lang= (SPEC 10). */
export const LanguageLinks = (props: { locale: Locale; path: string }) => (
  <nav class="langs" aria-label="Language">
    {LOCALES.map((l) =>
      l === props.locale ? (
        <span aria-current="true" lang={l}>
          {LANGUAGE_NAMES[l]}
        </span>
      ) : (
        <a href={`${props.path}?lang=${encodeURIComponent(l)}`} lang={l} hreflang={l}>
          {LANGUAGE_NAMES[l]}
        </a>
      ),
    )}
  </nav>
);

/** The strings public/book.js needs, in the page's language (the script has none of its own). */
export function scriptMessages(t: Messages) {
  const {
    timesCount, noTimes, seatsLeft, timesFor, pickDay, noTimesMonth, noTimesAtAll, loading, loadFailed,
    timezoneNow, fixFields, slotTaken, genericError, sending, newTime, cancelFailed, nextAvailable,
  } = t;
  return { timesCount, noTimes, seatsLeft, timesFor, pickDay, noTimesMonth, noTimesAtAll, loading, loadFailed, timezoneNow, fixFields, slotTaken, genericError, sending, newTime, cancelFailed, nextAvailable };
}
