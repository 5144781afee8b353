import { Layout } from './layout';
import { SlotPicker } from './booking-page';
import { formatInZone, locationLabel } from '../domain/format';
import { isHttpUrl } from '../email/templates';

export type ManageView = {
  slug: string;
  title: string;
  status: string;
  start: number;
  end: number;
  timezone: string;
  bookerTimezone: string | null;
  bookerName: string;
  locationType: string;
  meetingUrl: string | null;
  canChange: boolean;
  canReschedule: boolean;
  cancelReason: string | null;
  /** How far ahead the page books: the reschedule picker loads times up to it. */
  horizonDays: number;
};

export const ManagePage = (props: { view: ManageView; token: string }) => {
  const v = props.view;
  const zone = v.bookerTimezone ?? v.timezone;
  return (
    <Layout title={`Manage: ${v.title}`} scripts={['/book.js']}>
      <main class="narrow booking-page" data-slug={v.slug} data-mode="manage" data-token={props.token} data-page-timezone={v.timezone} data-horizon-days={v.horizonDays}>
        <h1>{v.title}</h1>
        <p class={`status status-${v.status}`}>{v.status === 'confirmed' ? 'Confirmed' : v.status === 'cancelled' ? 'Cancelled' : v.status}</p>
        <dl>
          <dt>When (your time)</dt>
          <dd>
            {formatInZone(v.start, zone, 'full')} – {formatInZone(v.end, zone, 'time')} ({zone})
          </dd>
          {zone !== v.timezone && (
            <>
              <dt>Host's time</dt>
              <dd>
                {formatInZone(v.start, v.timezone, 'full')} ({v.timezone})
              </dd>
            </>
          )}
          <dt>Where</dt>
          <dd>
            {locationLabel(v.locationType)}
            {v.meetingUrl && isHttpUrl(v.meetingUrl) ? (
              <>
                {' · '}
                <a href={v.meetingUrl} rel="noopener noreferrer">
                  {v.meetingUrl}
                </a>
              </>
            ) : null}
          </dd>
          {v.cancelReason && (
            <>
              <dt>Reason</dt>
              <dd>{v.cancelReason}</dd>
            </>
          )}
        </dl>
        {v.canChange && (
          <>
            {v.canReschedule && (
              <section>
                <h2>Pick a new time</h2>
                <SlotPicker />
                <form data-reschedule-form hidden class="stack">
                  <p class="chosen" data-chosen></p>
                  <p class="form-error" data-form-error role="alert"></p>
                  <button type="submit">Move my booking</button>
                </form>
              </section>
            )}
            <section>
              <h2>Cancel</h2>
              <form data-cancel-form class="stack">
                <label>
                  Reason (optional)
                  <textarea name="reason" maxlength={500} rows={2}></textarea>
                </label>
                <p class="form-error" data-cancel-error role="alert"></p>
                <button type="submit" class="danger">
                  Cancel booking
                </button>
              </form>
            </section>
          </>
        )}
      </main>
    </Layout>
  );
};
