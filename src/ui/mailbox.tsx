import { Layout } from './layout';
import type { outbox } from '../db/schema';

/**
 * Mail kept locally (no RESEND_API_KEY): each email's HTML part in a sandboxed frame (served
 * with a CSP of its own by /dev/mailbox/:id, so its inline styles apply and nothing runs),
 * its text part and its invite.
 */
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
          {e.html && <iframe class="mail-html" sandbox="" src={`/dev/mailbox/${e.id}`} title={`HTML part: ${e.subject}`} loading="lazy"></iframe>}
          <details>
            <summary>Plain text</summary>
            <pre>{e.textBody}</pre>
          </details>
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
