/**
 * "Add to calendar" links, built in one place for the pages and the emails. Times go as UTC
 * instants (Google: YYYYMMDDTHHMMSSZ; Outlook: ISO 8601 with Z), every value through
 * encodeURIComponent (spaces as %20: some calendars show a form-encoded `+` as a plus) so `&`,
 * `#`, spaces and non-ASCII reach the calendar as typed.
 */
export type CalendarEvent = { title: string; start: number; end: number; details: string; location: string };

const googleStamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const query = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function googleCalendarUrl(e: CalendarEvent): string {
  const q = query({ action: 'TEMPLATE', text: e.title, dates: `${googleStamp(e.start)}/${googleStamp(e.end)}`, details: e.details, location: e.location });
  return `https://calendar.google.com/calendar/render?${q}`;
}

export function outlookCalendarUrl(e: CalendarEvent): string {
  const q = query({ path: '/calendar/action/compose', rru: 'addevent', subject: e.title, startdt: isoSeconds(e.start), enddt: isoSeconds(e.end), body: e.details, location: e.location });
  return `https://outlook.live.com/calendar/0/deeplink/compose?${q}`;
}

/** The booking's own .ics download (the manage token's invite.ics). */
export const icsUrl = (origin: string, manageToken: string) => `${origin.replace(/\/+$/, '')}/api/public/manage/${manageToken}/invite.ics`;
