import { Layout } from './layout';
import type { outbox } from '../db/schema';

export const MailboxPage = (props: { emails: (typeof outbox.$inferSelect)[] }) => (
  <Layout title="Dev mailbox">
    <main>
      <h1>Dev mailbox</h1>
      <p>Mail kept locally because RESEND_API_KEY is not set. Newest first.</p>
      {props.emails.map((e) => (
        <article class="mail">
          <h2>{e.subject}</h2>
          <p class="muted">
            To {e.toAddress} · {e.kind} · {e.status} · {new Date(e.createdAt).toISOString()}
          </p>
          <pre>{e.textBody}</pre>
          {e.ics && (
            <details>
              <summary>invite.ics (METHOD:{e.icsMethod})</summary>
              <pre>{e.ics}</pre>
            </details>
          )}
        </article>
      ))}
    </main>
  </Layout>
);
