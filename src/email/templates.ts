/**
 * Every email a booking change causes, as subject + HTML + text, in the reader's language
 * (bookers: the booking's `bookerLocale`; hosts: their `users.locale`). One composer per kind
 * turns a booking into content (heading, paragraphs, details, a button, calendar links); one
 * layout writes that as a table-and-inline-style HTML part (what Gmail, Outlook and Apple Mail
 * all render; no remote images or fonts) and as the plain-text part. User strings are escaped.
 */
import { formatUsd } from '../domain/format';
import type { Locale } from '../domain/locales';
import { googleCalendarUrl, icsUrl, outlookCalendarUrl } from '../domain/calendar-links';
import { fill, formatDate, messages, type DateStyle, type Messages } from '../ui/i18n';

export type EmailKind =
  | 'booking_confirmation'
  | 'booking_host_notification'
  | 'host_rescheduled'
  | 'booker_rescheduled'
  | 'cancellation_booker'
  | 'cancellation_host'
  | 'briefing';

export type RenderedEmail = { subject: string; html: string; text: string };

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

export const isHttpUrl = (u: string | null | undefined): u is string => {
  if (!u) return false;
  try {
    const p = new URL(u).protocol;
    return p === 'http:' || p === 'https:';
  } catch {
    return false;
  }
};

export type EmailBooking = {
  title: string;
  start: number;
  end: number;
  timezone: string;
  bookerTimezone?: string | null;
  bookerName: string;
  bookerEmail: string;
  hostName: string;
  /** The location in words; with `locationType`, the label is the reader's language's. */
  location: string;
  locationType?: string;
  locationValue?: string | null;
  meetingUrl: string | null;
  manageUrl?: string;
  reason?: string | null;
  /**
   * The booker moved away (their seat to another time, or a round robin booking to another
   * host, `toHost`): the cancellation then says so in the reader's language instead of a reason.
   */
  moved?: { toHost?: string };
  message?: string | null;
  notes?: string | null;
};

/**
 * A subject is one header line: a line break from a name or title there would end the header
 * (header injection) or be folded differently by each mail client. Controls become spaces.
 */
export const subjectLine = (s: string) => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/ {2,}/g, ' ').trim();

type Link = { label: string; url: string };
export type EmailContent = {
  subject: string;
  heading: string;
  paragraphs: (string | null | undefined | false)[];
  details?: [string, string | null | undefined][];
  button?: Link;
  /** Smaller print after the button (a link's expiry, the address to paste). */
  after?: string[];
  calendar?: { label: string; links: Link[] };
  footer?: string;
};

const FONT = "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/** The one layout: a centred 560px card (tables, inline styles) and the same content as text. */
export function layout(locale: Locale, c: EmailContent): RenderedEmail {
  const t = messages(locale);
  const paragraphs = c.paragraphs.filter((p): p is string => !!p);
  const details = (c.details ?? []).filter((d): d is [string, string] => !!d[1]);
  const html = (s: string) => escapeHtml(s).replace(/\n/g, '<br>');
  const button = c.button && isHttpUrl(c.button.url) ? c.button : undefined;
  const links = (c.calendar?.links ?? []).filter((l) => isHttpUrl(l.url));
  const out =
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subjectLine(c.subject))}</title></head>` +
    `<body style="margin:0;padding:0;background:#f6f7f9">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f6f7f9"><tr><td align="center" style="padding:24px 12px">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border:1px solid #dfe3ea;border-radius:8px">` +
    `<tr><td style="padding:28px 28px 8px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1d2330">` +
    `<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3;color:#1d2330">${html(c.heading)}</h1>` +
    paragraphs.map((p) => `<p>${html(p)}</p>`).join('') +
    (details.length
      ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px;border-top:1px solid #dfe3ea">` +
        details
          .map(
            ([label, value]) =>
              `<tr><td valign="top" style="padding:10px 12px 10px 0;width:96px;font-family:${FONT};font-size:14px;color:#5b6476;border-bottom:1px solid #dfe3ea">${html(label)}</td>` +
              `<td valign="top" style="padding:10px 0;font-family:${FONT};font-size:15px;color:#1d2330;border-bottom:1px solid #dfe3ea">${html(value)}</td></tr>`,
          )
          .join('') +
        `</table>`
      : '') +
    (button
      ? `<p style="margin:20px 0"><a href="${escapeHtml(button.url)}" style="display:inline-block;background:#2454d6;color:#ffffff;text-decoration:none;font-weight:600;padding:11px 20px;border-radius:6px">${html(button.label)}</a></p>`
      : '') +
    (c.after ?? []).map((p) => `<p style="margin:0 0 16px;font-size:14px;color:#5b6476;word-break:break-word">${html(p)}</p>`).join('') +
    (links.length
      ? `<p style="margin:16px 0;font-size:14px;color:#5b6476">${html(c.calendar!.label)}: ` +
        links.map((l) => `<a href="${escapeHtml(l.url)}" style="color:#2454d6">${html(l.label)}</a>`).join(' · ') +
        `</p>`
      : '') +
    `</td></tr></table>` +
    `<p style="margin:16px 0 0;font-family:${FONT};font-size:12px;color:#5b6476">${html(c.footer ?? t.emailFooter)}</p>` +
    `</td></tr></table></body></html>`;
  const text = [
    ...paragraphs,
    details.map(([label, value]) => `${label}: ${value}`).join('\n'),
    button ? `${button.label}: ${button.url}` : '',
    ...(c.after ?? []),
    links.length ? `${c.calendar!.label}:\n${links.map((l) => `${l.label}: ${l.url}`).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { subject: subjectLine(c.subject), html: out, text };
}

/** "Thursday, December 3, 2026 at 10:00 AM – 10:30 AM (Europe/Berlin)" in the reader's language. */
function whenLine(locale: Locale, b: EmailBooking, zone: string, style: DateStyle = 'full') {
  return `${formatDate(locale, b.start, zone, style)} – ${formatDate(locale, b.end, zone, 'time')} (${zone})`;
}

/** The reader's time first; the page's (host's) time after it when it differs. */
const whenFor = (locale: Locale, b: EmailBooking, zone: string) =>
  zone === b.timezone ? whenLine(locale, b, zone) : `${whenLine(locale, b, zone)}\n${messages(locale).hostTime}: ${whenLine(locale, b, b.timezone)}`;

function whereLine(t: Messages, b: EmailBooking) {
  const key = `location_${b.locationType}` as keyof Messages;
  const label = b.locationType && typeof t[key] === 'string' ? `${t[key] as string}${b.locationValue ? `: ${b.locationValue}` : ''}` : b.location;
  return b.meetingUrl && !label.includes(b.meetingUrl) ? `${label} — ${b.meetingUrl}` : label;
}

/** Google, Outlook and the .ics of the booker's manage link (its token opens the invite). */
function calendarLinks(t: Messages, b: EmailBooking): EmailContent['calendar'] {
  if (!b.manageUrl) return undefined;
  const where = whereLine(t, b);
  const event = { title: b.title, start: b.start, end: b.end, details: `${b.title} ${fill(t.with, { names: b.hostName })}\n${b.manageUrl}`, location: where };
  const url = new URL(b.manageUrl);
  return {
    label: t.addToCalendar,
    links: [
      { label: t.googleCalendar, url: googleCalendarUrl(event) },
      { label: t.outlook, url: outlookCalendarUrl(event) },
      { label: t.icsFile, url: icsUrl(url.origin, url.pathname.split('/').pop()!) },
    ],
  };
}

const bookerZone = (b: EmailBooking) => b.bookerTimezone ?? b.timezone;

const COMPOSERS: Record<Exclude<EmailKind, 'briefing'>, (t: Messages, b: EmailBooking, locale: Locale) => EmailContent> = {
  booking_confirmation: (t, b, locale) => ({
    subject: fill(t.emailConfirmedSubject, { title: b.title, host: b.hostName }),
    heading: t.booked,
    paragraphs: [fill(t.emailHi, { name: b.bookerName }), t.emailConfirmedLead],
    details: [[t.what, b.title], [t.when, whenFor(locale, b, bookerZone(b))], [t.who, `${b.hostName}\n${b.bookerName}`], [t.where, whereLine(t, b)]],
    button: b.manageUrl ? { label: t.manageBooking, url: b.manageUrl } : undefined,
    calendar: calendarLinks(t, b),
  }),
  host_rescheduled: (t, b, locale) => ({
    subject: fill(t.emailHostRescheduledSubject, { title: b.title }),
    heading: fill(t.emailHostRescheduledSubject, { title: b.title }),
    paragraphs: [fill(t.emailHi, { name: b.bookerName }), fill(t.emailHostRescheduledLead, { host: b.hostName, title: b.title }), b.message && `${fill(t.emailMessageFrom, { host: b.hostName })}: ${b.message}`],
    details: [[t.what, b.title], [t.when, whenFor(locale, b, bookerZone(b))], [t.who, `${b.hostName}\n${b.bookerName}`], [t.where, whereLine(t, b)]],
    button: b.manageUrl ? { label: t.manageBooking, url: b.manageUrl } : undefined,
    calendar: calendarLinks(t, b),
  }),
  cancellation_booker: (t, b, locale) => ({
    subject: fill(t.emailCancelledSubject, { title: b.title }),
    heading: fill(t.emailCancelledSubject, { title: b.title }),
    paragraphs: [fill(t.emailHi, { name: b.bookerName }), fill(t.emailCancelledLead, { title: b.title, when: formatDate(locale, b.start, bookerZone(b), 'full') })],
    details: [[t.what, b.title], [t.when, whenFor(locale, b, bookerZone(b))], [t.emailReason, b.moved ? t.emailSeatMovedReason : b.reason]],
  }),
  booking_host_notification: (t, b, locale) => ({
    subject: fill(t.emailNewBookingSubject, { title: b.title, booker: b.bookerName }),
    heading: fill(t.emailNewBookingSubject, { title: b.title, booker: b.bookerName }),
    paragraphs: [fill(t.emailNewBookingLead, { booker: `${b.bookerName} <${b.bookerEmail}>`, title: b.title })],
    details: [[t.what, b.title], [t.when, whenLine(locale, b, b.timezone)], [t.who, `${b.bookerName} <${b.bookerEmail}>`], [t.where, whereLine(t, b)], [t.emailNotes, b.notes]],
  }),
  booker_rescheduled: (t, b, locale) => ({
    subject: fill(t.emailBookerRescheduledSubject, { title: b.title, booker: b.bookerName }),
    heading: fill(t.emailBookerRescheduledSubject, { title: b.title, booker: b.bookerName }),
    paragraphs: [fill(t.emailBookerRescheduledLead, { booker: b.bookerName, title: b.title })],
    details: [[t.when, whenLine(locale, b, b.timezone)], [t.who, `${b.bookerName} <${b.bookerEmail}>`], [t.where, whereLine(t, b)]],
  }),
  cancellation_host: (t, b, locale) => ({
    subject: fill(t.emailHostCancelledSubject, { title: b.title, booker: b.bookerName }),
    heading: fill(t.emailHostCancelledSubject, { title: b.title, booker: b.bookerName }),
    paragraphs: [fill(t.emailHostCancelledLead, { title: b.title, booker: b.bookerName, when: `${formatDate(locale, b.start, b.timezone, 'full')} (${b.timezone})` })],
    details: [[t.emailReason, b.moved?.toHost ? fill(t.emailMovedToHostReason, { booker: b.bookerName, host: b.moved.toHost }) : b.reason]],
  }),
};

export function renderEmail(kind: Exclude<EmailKind, 'briefing'>, b: EmailBooking, locale: Locale = 'en'): RenderedEmail {
  return layout(locale, COMPOSERS[kind](messages(locale), b, locale));
}

export type BriefingData = {
  booking: EmailBooking;
  bookingUrl: string;
  person: { name: string; email: string; lifecycleStage: string } | null;
  activities: { summary: string; occurredAt: number }[];
  opportunities: { name: string; stage: string; amount: number }[];
  /** A group occurrence's current attendees (the briefing names each); else the booker alone. */
  attendees?: { name: string; email: string }[];
  /** False when the CRM person is outside the recipient's visibility: no CRM part at all. */
  crm?: boolean;
};

/** "A, B and C" with the reader's word for "and". */
const nameList = (t: Messages, names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} ${t.and} ${names[names.length - 1]}`);

export function renderBriefing(d: BriefingData, locale: Locale = 'en'): RenderedEmail {
  const t = messages(locale);
  const b = d.booking;
  const who = d.attendees?.length ? d.attendees : [{ name: b.bookerName, email: b.bookerEmail }];
  const crm = d.crm === false
    ? []
    : [
        d.person ? `${t.emailLifecycle}: ${d.person.lifecycleStage}` : t.emailNoCrm,
        d.activities.length
          ? `${t.emailRecentActivity}:\n${d.activities.map((a) => `• ${formatDate(locale, a.occurredAt, b.timezone, 'shortDate')}: ${a.summary}`).join('\n')}`
          : t.emailNoActivity,
        d.opportunities.length
          ? `${t.emailOpenOpportunities}:\n${d.opportunities.map((o) => `• ${o.name} (${o.stage}, ${formatUsd(o.amount)})`).join('\n')}`
          : t.emailNoOpportunities,
      ];
  const subject = fill(t.emailBriefingSubject, { title: b.title, names: nameList(t, who.map((a) => a.name)) });
  return layout(locale, {
    subject,
    heading: subject,
    paragraphs: [
      fill(t.emailBriefingLead, { names: nameList(t, who.map((a) => `${a.name} <${a.email}>`)) }),
      // The short style: a host reads many of these (as the Bookings page writes times).
      whenLine(locale, b, b.timezone, 'short'),
      `${t.where}: ${whereLine(t, b)}`,
      ...crm,
    ],
    button: { label: t.emailOpenBooking, url: d.bookingUrl },
  });
}
