/**
 * The invitation email: a link to `/set-password/<token>`, in the invited user's language
 * (`users.locale`), written by the layout every email uses (tables and inline styles, every
 * user string escaped, a plain-text alternative). Queued in the outbox in the batch that
 * creates the user or the new link.
 */
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import { SET_PASSWORD_TTL_MS } from '../db/set-password-tokens';
import type { Locale } from '../domain/locales';
import { fill, formatDate, messages } from '../ui/i18n';
import { layout, type RenderedEmail } from './templates';

export const SET_PASSWORD_EMAIL_KIND = 'set_password';

export type SetPasswordEmail = { name: string; inviterName: string; link: string; expiresAt: number; timezone: string; locale: Locale };

export function renderSetPasswordEmail(e: SetPasswordEmail): RenderedEmail {
  const t = messages(e.locale);
  const when = `${formatDate(e.locale, e.expiresAt, e.timezone, 'full')} (${e.timezone})`;
  const subject = fill(t.inviteSubject, { inviter: e.inviterName });
  return layout(e.locale, {
    subject,
    heading: subject,
    paragraphs: [fill(t.emailHi, { name: e.name }), fill(t.inviteLead, { inviter: e.inviterName })],
    button: { label: t.inviteButton, url: e.link },
    after: [
      fill(t.inviteExpiry, { hours: SET_PASSWORD_TTL_MS / 3_600_000, when, inviter: e.inviterName }),
      `${t.invitePaste}\n${e.link}`,
      t.inviteIgnore,
    ],
    footer: t.inviteFooter,
  });
}

/** The outbox insert for one invitation email; callers put it in their batch. */
export function queueSetPasswordEmail(db: Db, to: string, email: RenderedEmail, now: number) {
  const id = crypto.randomUUID();
  const statement = db.insert(outbox).values({
    id,
    bookingId: null,
    kind: SET_PASSWORD_EMAIL_KIND,
    toAddress: to,
    subject: email.subject,
    html: email.html,
    textBody: email.text,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  });
  return { id, statement };
}
