import { Layout } from './layout';
import type { Locale } from '../domain/locales';
import { isHttpUrl } from '../email/templates';
import { formatDate, messages, type Messages } from './i18n';
import { HostAvatars, LanguageLinks, MeetingFacts, MonthPicker, locationText, nameList, scriptMessages } from './booker-parts';
import type { PickerData } from './booking-page';

export type ManageView = {
  slug: string;
  title: string;
  status: string;
  start: number;
  end: number;
  timezone: string;
  bookerTimezone: string | null;
  bookerName: string;
  bookerEmail: string;
  hostNames: string[];
  locationType: string;
  locationValue: string | null;
  meetingUrl: string | null;
  canChange: boolean;
  cancelReason: string | null;
  /** Right after booking: the page is the confirmation ("You are scheduled"). */
  justBooked: boolean;
  calendar: { google: string; outlook: string; ics: string };
};

const when = (locale: Locale, start: number, end: number, zone: string) =>
  `${formatDate(locale, start, zone, 'full')} – ${formatDate(locale, end, zone, 'time')}`;

const statusText = (t: Messages, status: string) =>
  status === 'confirmed' ? t.statusConfirmed : status === 'cancelled' ? t.statusCancelled : t.statusRescheduled;

export const ManagePage = (props: { view: ManageView; locale: Locale; picker: Omit<PickerData, 'messages' | 'mode'> | null; path: string }) => {
  const v = props.view;
  const t = messages(props.locale);
  const zone = v.bookerTimezone ?? v.timezone;
  const data: PickerData | null = props.picker ? { ...props.picker, mode: 'manage', messages: scriptMessages(t) } : null;
  const live = v.status === 'confirmed';
  return (
    <Layout title={`${v.justBooked ? t.booked : t.manageTitle}: ${v.title}`} styles={['/booker.css']} scripts={['/book.js']} lang={props.locale} bodyClass="booker-body">
      <main class="booker" data-slug={v.slug} data-booker={data ? JSON.stringify(data) : undefined}>
        <div class="booker-card booker-card-manage">
          <aside class="booker-info">
            <HostAvatars names={v.hostNames} />
            <p class="booker-hosts">{nameList(t, v.hostNames)}</p>
            <p class="booker-title">{v.title}</p>
            <MeetingFacts t={t} minutes={Math.round((v.end - v.start) / 60_000)} locationType={v.locationType} locationValue={null} />
          </aside>
          <div class="booker-main">
            <div class="summary">
              {v.justBooked && live ? (
                <>
                  <p class="done-mark" aria-hidden="true">
                    ✓
                  </p>
                  <h1 data-confirmation tabindex={-1}>
                    {t.booked}
                  </h1>
                  <p class="muted">{t.bookedLead.replace('{email}', v.bookerEmail)}</p>
                </>
              ) : (
                <>
                  <h1>{t.manageTitle}</h1>
                  <p class={`status status-${v.status}`}>{statusText(t, v.status)}</p>
                </>
              )}
              <dl class="facts-list">
                <dt>{t.what}</dt>
                <dd>{v.title}</dd>
                <dt>{t.when}</dt>
                <dd data-when>
                  {when(props.locale, v.start, v.end, zone)}
                  <span class="zone"> ({zone.replace(/_/g, ' ')}, {t.yourTime})</span>
                  {zone !== v.timezone && (
                    <span class="host-time">
                      {t.hostTime}: {when(props.locale, v.start, v.end, v.timezone)} ({v.timezone.replace(/_/g, ' ')})
                    </span>
                  )}
                </dd>
                <dt>{t.who}</dt>
                <dd>
                  {v.hostNames.map((n) => (
                    <span class="person">{n}</span>
                  ))}
                  <span class="person">{v.bookerName}</span>
                </dd>
                <dt>{t.where}</dt>
                <dd>
                  {locationText(t, v.locationType, v.locationValue)}
                  {v.meetingUrl && isHttpUrl(v.meetingUrl) ? (
                    <>
                      {' · '}
                      <a href={v.meetingUrl} rel="noopener noreferrer">
                        {t.joinMeeting}
                      </a>
                    </>
                  ) : null}
                </dd>
                {v.cancelReason && (
                  <>
                    <dt>{t.cancelReasonLabel}</dt>
                    <dd>{v.cancelReason}</dd>
                  </>
                )}
              </dl>
              {live && (
                <div class="add-cal">
                  <h2 class="small-heading">{t.addToCalendar}</h2>
                  <p class="cal-links">
                    <a class="cal-link" href={v.calendar.google} rel="noopener noreferrer" target="_blank" data-google-link>
                      {t.googleCalendar}
                    </a>
                    <a class="cal-link" href={v.calendar.outlook} rel="noopener noreferrer" target="_blank" data-outlook-link>
                      {t.outlook}
                    </a>
                    <a class="cal-link" href={v.calendar.ics} download="invite.ics" data-ics-link>
                      {t.icsFile}
                    </a>
                  </p>
                </div>
              )}
              {!v.canChange && live && <p class="muted">{t.cannotChange}</p>}
              {v.status !== 'confirmed' && (
                <p>
                  <a href={`/b/${v.slug}`}>{t.bookAgain}</a>
                </p>
              )}
            </div>
            {v.canChange && (
              <div class="manage-actions">
                <details class="action" data-reschedule>
                  <summary>{t.reschedule}</summary>
                  <MonthPicker t={t} heading={t.pickNewTime} />
                  <form data-reschedule-form hidden class="stack reschedule-form">
                    <p class="chosen" data-chosen></p>
                    <p class="form-error" data-form-error role="alert"></p>
                    <button type="submit" class="primary">
                      {t.moveBooking}
                    </button>
                  </form>
                </details>
                <details class="action">
                  <summary>{t.cancelBooking}</summary>
                  <form data-cancel-form class="stack">
                    <label>
                      {t.cancelReason}
                      <textarea name="reason" maxlength={500} rows={2}></textarea>
                    </label>
                    <p class="form-error" data-cancel-error role="alert"></p>
                    <button type="submit" class="danger">
                      {t.cancelConfirm}
                    </button>
                  </form>
                </details>
              </div>
            )}
          </div>
        </div>
        <LanguageLinks locale={props.locale} path={props.path} />
      </main>
    </Layout>
  );
};
