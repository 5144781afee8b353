import { Layout } from './layout';

/** The same page for every miss: unknown pages, bookings and manage tokens alike. */
export const NotFoundPage = () => (
  <Layout title="Not found">
    <main class="narrow">
      <h1>Page not found</h1>
      <p>This link doesn't lead anywhere. If you followed a link from an email, ask the sender for a new one.</p>
    </main>
  </Layout>
);
