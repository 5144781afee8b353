import { Layout } from './layout';
import type { Locale } from '../domain/locales';
import { messages } from './i18n';

/** The same page for every miss: unknown pages, bookings and manage tokens alike (a booker's in their language). */
export const NotFoundPage = (props: { locale?: Locale } = {}) => {
  const t = messages(props.locale ?? 'en');
  return (
    <Layout title={t.notFoundTitle} lang={props.locale ?? 'en'}>
      <main class="narrow">
        <h1>{t.notFoundTitle}</h1>
        <p>{t.notFoundBody}</p>
      </main>
    </Layout>
  );
};
