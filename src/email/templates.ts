/**
 * Every email a booking change causes, as subject + HTML + text. User strings are escaped in
 * HTML; times are shown in the page's timezone (and the booker's, when it differs).
 */
import { formatInZone, formatUsd } from '../domain/format';

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
  location: string;
  meetingUrl: string | null;
  manageUrl?: string;
  reason?: string | null;
  message?: string | null;
  notes?: string | null;
};

function whenLines(b: EmailBooking, zone: string): string[] {
  const lines = [`${formatInZone(b.start, b.timezone, 'full')} – ${formatInZone(b.end, b.timezone, 'time')} (${b.timezone})`];
  if (zone !== b.timezone) lines.push(`${formatInZone(b.start, zone, 'full')} (${zone}, your time)`);
  return lines;
}

/**
 * A subject is one header line: a line break from a name or title there would end the header
 * (header injection) or be folded differently by each mail client. Controls become spaces.
 */
export const subjectLine = (s: string) => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/ {2,}/g, ' ').trim();

function render(subject: string, paragraphs: (string | null | undefined)[], link?: { label: string; url: string }): RenderedEmail {
  const body = paragraphs.filter((p): p is string => !!p);
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">` +
    body.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('') +
    (link && isHttpUrl(link.url) ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : '') +
    `</body></html>`;
  const text = [...body, link ? `${link.label}: ${link.url}` : ''].filter(Boolean).join('\n\n');
  return { subject: subjectLine(subject), html, text };
}

const meetingLine = (b: EmailBooking) => `Where: ${b.location}${b.meetingUrl ? ` — ${b.meetingUrl}` : ''}`;

export function renderEmail(kind: Exclude<EmailKind, 'briefing'>, b: EmailBooking): RenderedEmail {
  const bookerZone = b.bookerTimezone ?? b.timezone;
  switch (kind) {
    case 'booking_confirmation':
      return render(`Confirmed: ${b.title} with ${b.hostName}`, [
        `Hi ${b.bookerName}, your meeting is booked.`,
        ...whenLines(b, bookerZone),
        meetingLine(b),
        'Need to change something? Use the link below to reschedule or cancel.',
      ], b.manageUrl ? { label: 'Manage your booking', url: b.manageUrl } : undefined);
    case 'booking_host_notification':
      return render(`New booking: ${b.title} with ${b.bookerName}`, [
        `${b.bookerName} <${b.bookerEmail}> booked ${b.title}.`,
        ...whenLines(b, b.timezone),
        meetingLine(b),
        b.notes ? `Notes: ${b.notes}` : null,
      ]);
    case 'host_rescheduled':
      return render(`Your host has proposed a new time: ${b.title}`, [
        `Hi ${b.bookerName}, your host has proposed a new time for ${b.title}.`,
        ...whenLines(b, bookerZone),
        b.message ? `Message from ${b.hostName}: ${b.message}` : null,
        meetingLine(b),
      ], b.manageUrl ? { label: 'Manage your booking', url: b.manageUrl } : undefined);
    case 'booker_rescheduled':
      return render(`Rescheduled: ${b.title} with ${b.bookerName}`, [
        `${b.bookerName} moved ${b.title} to a new time.`,
        ...whenLines(b, b.timezone),
        meetingLine(b),
      ]);
    case 'cancellation_booker':
      return render(`Cancelled: ${b.title}`, [
        `Hi ${b.bookerName}, ${b.title} on ${formatInZone(b.start, bookerZone, 'full')} has been cancelled.`,
        b.reason ? `Reason: ${b.reason}` : null,
      ]);
    case 'cancellation_host':
      return render(`Cancelled: ${b.title} with ${b.bookerName}`, [
        `${b.title} with ${b.bookerName} on ${formatInZone(b.start, b.timezone, 'full')} (${b.timezone}) has been cancelled.`,
        b.reason ? `Reason: ${b.reason}` : null,
      ]);
  }
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

const nameList = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

export function renderBriefing(d: BriefingData): RenderedEmail {
  const b = d.booking;
  const who = d.attendees?.length ? d.attendees : [{ name: b.bookerName, email: b.bookerEmail }];
  const crm = d.crm === false
    ? []
    : [
        d.person ? `Lifecycle stage: ${d.person.lifecycleStage}` : 'No CRM record for this booker yet.',
        d.activities.length
          ? `Recent activity:\n${d.activities.map((a) => `• ${formatInZone(a.occurredAt, b.timezone, 'date')}: ${a.summary}`).join('\n')}`
          : 'No recent activity.',
        d.opportunities.length
          ? `Open opportunities:\n${d.opportunities.map((o) => `• ${o.name} (${o.stage}, ${formatUsd(o.amount)})`).join('\n')}`
          : 'No open opportunities.',
      ];
  return render(`In 1 hour: ${b.title} with ${nameList(who.map((a) => a.name))}`, [
    `Your meeting with ${nameList(who.map((a) => `${a.name} <${a.email}>`))} starts soon.`,
    ...whenLines(b, b.timezone),
    meetingLine(b),
    ...crm,
  ], { label: 'Open the booking', url: d.bookingUrl });
}
