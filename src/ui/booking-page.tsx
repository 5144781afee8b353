import { Layout } from './layout';
import type { PageWithHosts } from '../db/pages';
import { locationLabel } from '../domain/format';
import { tryGetContext } from 'hono/context-storage';
import type { AppEnv } from '../env';
import { TURNSTILE_SCRIPT, turnstileSiteKey } from '../services/abuse-turnstile';

/** The slot picker shared by the booking page and the manage page (public/book.js drives it). */
export const SlotPicker = () => (
  <section class="picker" aria-label="Pick a time">
    <p>
      <label>
        Times shown in{' '}
        <select name="timezone" data-timezone>
          <option value="UTC">UTC</option>
        </select>
      </label>
    </p>
    <div class="days" data-days role="group" aria-label="Days with free times"></div>
    <div class="times" data-times role="group" aria-label="Free times" aria-live="polite"></div>
    <p class="form-error" data-picker-error role="alert"></p>
  </section>
);

export const BookingPage = (props: { page: PageWithHosts }) => {
  const p = props.page;
  // The request's env through Hono's context storage (mounted on /b/:slug in app.ts).
  const siteKey = turnstileSiteKey(tryGetContext<AppEnv>()?.env ?? {});
  return (
    <Layout title={p.title} scripts={['/book.js']}>
      <main class="narrow booking-page" data-slug={p.slug} data-mode="book" data-page-timezone={p.timezone} data-horizon-days={p.horizonDays}>
        <h1>{p.title}</h1>
        <p class="muted">
          {p.durationMinutes} min · {locationLabel(p.locationType)}
          {p.locationType === 'in_person' || p.locationType === 'phone' ? '' : ''}
        </p>
        {p.description && <p class="pre">{p.description}</p>}
        <SlotPicker />
        <form class="stack book-form" data-book-form hidden>
          <p class="chosen" data-chosen></p>
          <label>
            Name
            <input name="name" required maxlength={200} autocomplete="name" />
          </label>
          <label>
            Email
            <input name="email" type="email" required maxlength={254} autocomplete="email" />
          </label>
          <label>
            Phone (optional)
            <input name="phone" type="tel" maxlength={40} autocomplete="tel" />
          </label>
          {p.questions.map((q) => (
            <label>
              {q.label}
              {q.required ? ' *' : ''}
              {q.type === 'textarea' ? (
                <textarea name={`q:${q.id}`} required={q.required} maxlength={2000}></textarea>
              ) : q.type === 'select' ? (
                <select name={`q:${q.id}`} required={q.required}>
                  <option value="">Choose…</option>
                  {(q.options ?? []).map((o) => (
                    <option value={o}>{o}</option>
                  ))}
                </select>
              ) : q.type === 'checkbox' ? (
                <input type="checkbox" name={`q:${q.id}`} required={q.required} />
              ) : (
                <input name={`q:${q.id}`} required={q.required} maxlength={300} />
              )}
            </label>
          ))}
          <label>
            Notes (optional)
            <textarea name="notes" maxlength={5000} rows={3}></textarea>
          </label>
          {siteKey && (
            <>
              {/* Turnstile (only when configured): fills a hidden cf-turnstile-response field that book.js sends. */}
              <div class="cf-turnstile" data-sitekey={siteKey}></div>
              <script src={TURNSTILE_SCRIPT} async defer></script>
            </>
          )}
          <p class="form-error" data-form-error role="alert"></p>
          <button type="submit">Confirm booking</button>
        </form>
        <section class="confirmation" data-confirmation hidden tabindex={-1}>
          <h2>You're booked</h2>
          <p data-confirmation-when></p>
          <p>
            We've emailed you the details. Keep this link to reschedule or cancel: <a data-manage-link href="#">manage your booking</a>
          </p>
          <p>
            <a data-ics-link href="#" download="invite.ics">
              Add to your calendar (.ics)
            </a>
          </p>
        </section>
      </main>
    </Layout>
  );
};
