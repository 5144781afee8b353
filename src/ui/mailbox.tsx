import { Layout } from './layout';
import type { outbox } from '../db/schema';

type Row = typeof outbox.$inferSelect;

/**
 * A row's heading: its subject; a workflow message never written (skipped, cancelled, or not due
 * yet: workflow mail is composed when it goes out) says so, with the reason it was not sent.
 */
function heading(e: Row): string {
  if (e.subject) return e.subject;
  if (e.status === 'pending') return `Not written yet: due ${new Date(e.dueAt ?? e.nextAttemptAt ?? e.createdAt).toISOString()}`;
  const reason = e.lastError ?? `Not sent (${e.status})`;
  return reason.startsWith('Not sent') ? reason : `Not sent: ${reason}`;
}

/**
 * Mail kept locally (no RESEND_API_KEY): each email's HTML part in a sandboxed frame (served
 * with a CSP of its own by /dev/mailbox/:id, so its inline styles apply and nothing runs),
 * its text part and its invite.
 */
export const MailboxPage = (props: { emails: Row[] }) => (
  <Layout title="Dev mailbox">
    <main>
      <h1>Dev mailbox</h1>
      <p>Mail kept locally because RESEND_API_KEY is not set. Newest first.</p>
      {props.emails.map((e) => (
        <article class="mail">
          <h2>{heading(e)}</h2>
          <p class="muted">
            To {e.toAddress} · {e.kind} · {e.status} · {new Date(e.createdAt).toISOString()}
          </p>
          {e.html && <iframe class="mail-html" sandbox="" src={`/dev/mailbox/${e.id}`} title={`HTML part: ${e.subject}`} loading="lazy"></iframe>}
          {e.textBody && (
            <details>
              <summary>Plain text</summary>
              <pre>{e.textBody}</pre>
            </details>
          )}
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
