/**
 * Composes queued workflow messages at their first attempt (email/composers.ts registers it),
 * so a reminder says what is true when it leaves: the current time of a moved meeting, the
 * host's current name. One statement reads every row of the batch with its workflow, booking,
 * page, seat, host names and the recipients' languages. Booker emails get a fresh working
 * manage link (a new token, stored in the batch the delivery runs before sending), as
 * confirmations do. Templates are the workflow's own subject/body, else the catalogue's text
 * for that trigger in the recipient's language.
 */
import type { Bindings } from '../env';
import { hashToken, newManageToken } from '../domain/tokens';
import { fillTemplate, type TemplateVariable, type WorkflowAction, type WorkflowTrigger } from '../domain/workflows';
import { DEFAULT_LOCALE, type Locale } from '../domain/locales';
import { escapeHtml, layout, type RenderedEmail } from '../email/templates';
import { formatDate, isLocale, messages } from '../ui/i18n';

export type ComposedMessage = { kind: 'ready'; email: RenderedEmail } | { kind: 'skip'; reason: string };

type Material = {
  id: string;
  to_address: string;
  attendee_id: string | null;
  trigger: WorkflowTrigger;
  action: WorkflowAction;
  subject: string | null;
  body: string | null;
  status: string;
  start_at: number;
  end_at: number;
  timezone: string;
  booker_name: string;
  booker_timezone: string | null;
  booker_locale: string;
  series_id: string;
  title: string;
  slug: string;
  seat_name: string | null;
  seat_timezone: string | null;
  seat_locale: string | null;
  seat_here: number | null;
  host_names: string | null;
  recipient_locale: string | null;
  recipient_timezone: string | null;
  host_locale: string | null;
  host_timezone: string | null;
  fresh: number;
};

const MATERIAL = `SELECT o.id, o.to_address, o.attendee_id, o.text_body = '' AS fresh, w."trigger", w.action, w.subject, w.body,
    b.status, b.start_at, b.end_at, b.timezone, b.booker_name, b.booker_timezone, b.booker_locale, b.series_id,
    p.title, p.slug, a.name AS seat_name, a.timezone AS seat_timezone, a.locale AS seat_locale,
    (a.booking_id = b.id AND a.status = 'confirmed') AS seat_here,
    (SELECT group_concat(name, ', ') FROM (SELECT u.name FROM booking_hosts bh JOIN users u ON u.id = bh.user_id
      WHERE bh.booking_id = b.id ORDER BY u.id = b.host_id DESC, u.id)) AS host_names,
    (SELECT u.locale FROM users u WHERE u.email = o.to_address) AS recipient_locale,
    (SELECT u.timezone FROM users u WHERE u.email = o.to_address) AS recipient_timezone,
    (SELECT u.locale FROM users u WHERE u.id = b.host_id) AS host_locale,
    (SELECT u.timezone FROM users u WHERE u.id = b.host_id) AS host_timezone
  FROM json_each(?1) AS e
    JOIN email_outbox o ON o.id = e.value
    JOIN workflows w ON w.id = o.workflow_id
    JOIN bookings b ON b.id = o.booking_id
    JOIN scheduling_pages p ON p.id = b.page_id
    LEFT JOIN booking_attendees a ON a.id = o.attendee_id`;

const localeOf = (s: string | null | undefined): Locale => (s && isLocale(s) ? s : DEFAULT_LOCALE);

/** Why a message no longer makes sense, or null. */
function staleReason(m: Material, now: number): string | null {
  if (m.trigger !== 'booking_cancelled' && m.status !== 'confirmed') return `Not sent: the booking was ${m.status} before it was due`;
  if (m.trigger !== 'booking_cancelled' && m.attendee_id && !m.seat_here) return 'Not sent: the booker left this meeting';
  if (m.trigger === 'before_start' && m.start_at <= now) return 'Not sent: the meeting had started before it went out';
  return null;
}

/** The recipient's language and zone: a booker's (or seat's) own, a host's own; a fixed address reads the primary host's. */
function readerOf(m: Material): { locale: Locale; zone: string } {
  if (m.action === 'email_booker')
    return m.attendee_id
      ? { locale: localeOf(m.seat_locale), zone: m.seat_timezone ?? m.timezone }
      : { locale: localeOf(m.booker_locale), zone: m.booker_timezone ?? m.timezone };
  if (m.action === 'email_host') return { locale: localeOf(m.recipient_locale), zone: m.recipient_timezone ?? m.timezone };
  return { locale: localeOf(m.host_locale), zone: m.host_timezone ?? m.timezone };
}

/** The message's subject and body templates: the workflow's own, else the catalogue's for its trigger. */
function templatesOf(m: Material, locale: Locale): { subject: string; body: string } {
  const defaults = messages(locale).workflow;
  const own = defaults[m.trigger];
  return {
    subject: m.subject ?? own.subject,
    // A host or another address reads a short line: the booker's text talks to the booker.
    body: m.body ?? (m.action === 'email_booker' ? own.body : defaults.hostBody),
  };
}

/** Text part: values as they are; HTML part: escaped, links clickable. */
function render(locale: Locale, subject: string, body: string, values: Record<TemplateVariable, string>): RenderedEmail {
  const subjectText = fillTemplate(subject, values);
  const paragraphs = fillTemplate(body, values).split(/\n{2,}/);
  const email = layout(locale, { subject: subjectText, heading: subjectText, paragraphs });
  // Our own links become clickable after escaping, longest first (the booking page's URL is a prefix of the manage link's).
  const urls = [values.manageUrl, values.bookingPageUrl].filter(Boolean).map(escapeHtml).sort((a, b) => b.length - a.length);
  const at = email.html.indexOf('</h1>');
  if (!urls.length || at < 0) return email;
  const pattern = new RegExp(urls.map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const linked = email.html.slice(at).replace(pattern, (url) => `<a href="${url}" style="color:#2454d6;word-break:break-all">${url}</a>`);
  return { ...email, html: email.html.slice(0, at) + linked };
}

/** Each row's email (or why it is skipped), and the token inserts its manage links need. */
export async function composeWorkflowMessages(env: Bindings, ids: string[], now: number) {
  const origin = env.APP_URL.replace(/\/+$/, '');
  const { results: rows } = await env.DB.prepare(MATERIAL).bind(JSON.stringify(ids)).all<Material>();
  const results = new Map<string, ComposedMessage>();
  const tokens: { token: string; s: string | null; a: string | null }[] = [];
  for (const m of rows) {
    const stale = staleReason(m, now);
    if (stale) {
      results.set(m.id, { kind: 'skip', reason: stale });
      continue;
    }
    const { locale, zone } = readerOf(m);
    const { subject, body } = templatesOf(m, locale);
    let manageUrl = '';
    // A working link only where it is asked for and not yet composed (a retry keeps its mail).
    if (m.fresh && m.action === 'email_booker' && `${subject}\n${body}`.includes('manageUrl')) {
      const token = newManageToken();
      tokens.push({ token, s: m.attendee_id ? null : m.series_id, a: m.attendee_id });
      manageUrl = `${origin}/b/${m.slug}/manage/${token}`;
    }
    const values: Record<TemplateVariable, string> = {
      bookerName: m.attendee_id ? (m.seat_name ?? m.booker_name) : m.booker_name,
      hostName: m.host_names ?? '',
      pageTitle: m.title,
      start: `${formatDate(locale, m.start_at, zone, 'full')} (${zone})`,
      manageUrl,
      bookingPageUrl: `${origin}/b/${m.slug}`,
    };
    results.set(m.id, { kind: 'ready', email: render(locale, subject, body, values) });
  }
  for (const id of ids) if (!results.has(id)) results.set(id, { kind: 'skip', reason: 'Not sent: its booking or workflow is gone' });
  // Hashed together, not one await per row in the loop (a sweep composes a thousand links).
  const hashed = await Promise.all(tokens.map(async ({ token, s, a }) => ({ h: await hashToken(token), s, a })));
  // Every link's token in one statement, however many (D1 counts statements per invocation).
  const statements = tokens.length
    ? [env.DB.prepare(`INSERT INTO manage_tokens (hash, series_id, attendee_id, created_at)
        SELECT e.value ->> 'h', e.value ->> 's', e.value ->> 'a', ?2 FROM json_each(?1) AS e`).bind(JSON.stringify(hashed), now)]
    : [];
  return { results, statements };
}
