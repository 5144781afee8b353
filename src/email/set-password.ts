/**
 * The invitation email: a link to `/set-password/<token>`. HTML in tables with inline styles
 * (what Gmail, Outlook and Apple Mail all render), every user string escaped, and a plain-text
 * alternative. Queued in the outbox in the batch that creates the user or the new link.
 */
import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import { formatInZone } from '../domain/format';
import { escapeHtml, subjectLine, type RenderedEmail } from './templates';

export const SET_PASSWORD_EMAIL_KIND = 'set_password';

export type SetPasswordEmail = { name: string; inviterName: string; link: string; expiresAt: number; timezone: string };

export function renderSetPasswordEmail(e: SetPasswordEmail): RenderedEmail {
  const expires = `${formatInZone(e.expiresAt, e.timezone, 'full')} (${e.timezone})`;
  const intro = `${e.inviterName} added you to the team's scheduling. Set a password to sign in, then share your booking pages and work your bookings.`;
  const expiry = `The link works once and expires in 72 hours, on ${expires}. If it has expired, ask ${e.inviterName} for a new one.`;
  const ignore = 'If you were not expecting this invitation, you can ignore this email.';
  const p = (text: string, style = 'margin:0 0 16px') => `<p style="${style}">${escapeHtml(text)}</p>`;
  const html =
    `<!doctype html><html><body style="margin:0;padding:0;background:#f6f7f9">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f7f9"><tr><td align="center" style="padding:24px 12px">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border:1px solid #dfe3ea;border-radius:8px">` +
    `<tr><td style="padding:28px 28px 8px;font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;font-size:16px;line-height:1.5;color:#1d2330">` +
    p(`Hi ${e.name},`) +
    p(intro) +
    `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px"><tr><td style="border-radius:6px;background:#2454d6">` +
    `<a href="${escapeHtml(e.link)}" style="display:inline-block;padding:12px 22px;font-family:system-ui,-apple-system,'Segoe UI',Arial,sans-serif;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px">Set your password</a>` +
    `</td></tr></table>` +
    p(expiry, 'margin:0 0 16px;color:#5b6476;font-size:14px') +
    p('Or paste this address into your browser:', 'margin:0 0 4px;color:#5b6476;font-size:14px') +
    `<p style="margin:0 0 16px;font-size:14px;word-break:break-all"><a href="${escapeHtml(e.link)}" style="color:#2454d6">${escapeHtml(e.link)}</a></p>` +
    p(ignore, 'margin:0 0 20px;color:#5b6476;font-size:14px') +
    `</td></tr></table></td></tr></table></body></html>`;
  const text = [`Hi ${e.name},`, intro, `Set your password: ${e.link}`, expiry, ignore].join('\n\n');
  return { subject: subjectLine(`${e.inviterName} invited you to Bookings`), html, text };
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
