import { Layout } from './layout';
import type { PageWithHosts } from '../db/pages';
import type { Locale } from '../domain/locales';
import type { PublicSlot } from '../services/public-booking';
import { tryGetContext } from 'hono/context-storage';
import type { AppEnv } from '../env';
import { TURNSTILE_SCRIPT, turnstileSiteKey } from '../services/abuse-turnstile';
import { messages } from './i18n';
import { HostAvatars, LanguageLinks, MeetingFacts, MonthPicker, nameList, scriptMessages } from './booker-parts';

/** What public/book.js starts from: the first month's free slots and the words it writes. */
export type PickerData = {
  mode: 'book' | 'manage';
  slug: string;
  token?: string;
  locale: Locale;
  lang: string | null;
  pageZone: string;
  now: number;
  horizonEnd: number;
  loadedTo: number;
  slots: PublicSlot[];
  messages: ReturnType<typeof scriptMessages>;
};

export type BookingPageProps = {
  page: PageWithHosts;
  hostNames: string[];
  locale: Locale;
  lang: string | null;
  first: { slots: PublicSlot[]; loadedTo: number; horizonEnd: number };
  now: number;
};

export const BookingPage = (props: BookingPageProps) => {
  const p = props.page;
  const t = messages(props.locale);
  // The request's env through Hono's context storage (mounted on /b/:slug in app.ts).
  const siteKey = turnstileSiteKey(tryGetContext<AppEnv>()?.env ?? {});
  const data: PickerData = {
    mode: 'book',
    slug: p.slug,
    locale: props.locale,
    lang: props.lang,
    pageZone: p.timezone,
    now: props.now,
    ...props.first,
    messages: scriptMessages(t),
  };
  return (
    <Layout title={p.title} styles={['/booker.css']} scripts={['/book.js']} lang={props.locale} bodyClass="booker-body">
      <main class="booker" data-slug={p.slug} data-booker={JSON.stringify(data)}>
        <div class="booker-card">
          <aside class="booker-info">
            <HostAvatars names={props.hostNames} />
            <p class="booker-hosts">{nameList(t, props.hostNames)}</p>
            <h1>{p.title}</h1>
            <MeetingFacts t={t} minutes={p.durationMinutes} locationType={p.locationType} locationValue={p.locationType === 'in_person' ? p.locationValue : null} />
            {p.description && <p class="pre booker-desc">{p.description}</p>}
          </aside>
          <div class="booker-main">
            <MonthPicker t={t} heading={t.selectDateTime} />
            <section class="details" data-details hidden aria-labelledby="details-heading">
              <button type="button" class="back" data-back>
                <span aria-hidden="true">← </span>
                {t.back}
              </button>
              <h2 id="details-heading" tabindex={-1}>
                {t.enterDetails}
              </h2>
              <p class="chosen" data-chosen></p>
              <form class="stack book-form" data-book-form>
                <label>
                  {t.name}
                  <input name="name" required maxlength={200} autocomplete="name" />
                </label>
                <label>
                  {t.email}
                  <input name="email" type="email" required maxlength={254} autocomplete="email" />
                </label>
                <label>
                  {t.phone} <span class="muted">({t.optional})</span>
                  <input name="phone" type="tel" maxlength={40} autocomplete="tel" />
                </label>
                {p.questions.map((q) =>
                  q.type === 'checkbox' ? (
                    <label class="check">
                      <input type="checkbox" name={`q:${q.id}`} required={q.required} /> {q.label}
                      {q.required ? <span aria-hidden="true"> *</span> : ''}
                    </label>
                  ) : (
                    <label>
                      {q.label}
                      {q.required ? <span aria-hidden="true"> *</span> : <span class="muted"> ({t.optional})</span>}
                      {q.type === 'textarea' ? (
                        <textarea name={`q:${q.id}`} required={q.required} maxlength={2000} rows={3}></textarea>
                      ) : q.type === 'select' ? (
                        <select name={`q:${q.id}`} required={q.required}>
                          <option value="">{t.choose}</option>
                          {(q.options ?? []).map((o) => (
                            <option value={o}>{o}</option>
                          ))}
                        </select>
                      ) : (
                        <input name={`q:${q.id}`} required={q.required} maxlength={300} />
                      )}
                    </label>
                  ),
                )}
                <label>
                  {t.notes} <span class="muted">({t.optional})</span>
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
                <button type="submit" class="primary">
                  {t.confirmBooking}
                </button>
              </form>
            </section>
          </div>
        </div>
        <LanguageLinks locale={props.locale} path={`/b/${p.slug}`} />
      </main>
    </Layout>
  );
};

