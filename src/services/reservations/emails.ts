/** Every email about an occurrence, for one recipient, and the links they carry. */
import type { Bindings } from '../../env';
import type { Booking } from '../../db/schema';
import type { PageWithHosts } from '../../db/pages';
import type { HostUser } from '../../db/availability';
import { locationLabel } from '../../domain/format';
import type { Locale } from '../../domain/locales';
import { buildInvite, type InviteMethod } from '../../email/ics';
import { isHttpUrl, renderEmail, type EmailBooking, type EmailKind } from '../../email/templates';
import type { OutboxEmail } from '../../email/outbox';

const appOrigin = (env: Bindings) => env.APP_URL.replace(/\/+$/, '');
export const manageUrlFor = (env: Bindings, slug: string, token: string) => `${appOrigin(env)}/b/${slug}/manage/${token}`;

export const meetingUrlFor = (page: Pick<PageWithHosts, 'locationType' | 'locationValue'>) =>
  (page.locationType === 'zoom' || page.locationType === 'custom') && isHttpUrl(page.locationValue) ? page.locationValue : null;

const locationText = (b: Pick<Booking, 'locationType' | 'locationValue'>) =>
  `${locationLabel(b.locationType)}${b.locationValue ? `: ${b.locationValue}` : ''}`;

export type Occurrence = Pick<
  Booking,
  'startAt' | 'endAt' | 'timezone' | 'locationType' | 'locationValue' | 'meetingUrl' | 'icsUid' | 'icsSequence'
>;

/** Everything one email about an occurrence needs, for one recipient (booker or host). */
export function emailFor(
  kind: Exclude<EmailKind, 'briefing'>,
  ctx: { page: PageWithHosts; occurrence: Occurrence; bookingId: string; primary: HostUser; hosts: HostUser[] },
  recipient: { name: string; email: string; timezone: string | null; locale?: Locale | null },
  extra: Pick<EmailBooking, 'manageUrl' | 'reason' | 'moved' | 'message' | 'notes'> & { bookerName?: string; bookerEmail?: string; ics?: InviteMethod; now: number },
): OutboxEmail {
  const o = ctx.occurrence;
  const data: EmailBooking = {
    title: ctx.page.title,
    start: o.startAt,
    end: o.endAt,
    timezone: o.timezone,
    bookerTimezone: recipient.timezone,
    bookerName: extra.bookerName ?? recipient.name,
    bookerEmail: extra.bookerEmail ?? recipient.email,
    hostName: ctx.primary.name,
    location: locationText(o),
    locationType: o.locationType,
    locationValue: o.locationValue,
    meetingUrl: o.meetingUrl,
    manageUrl: extra.manageUrl,
    reason: extra.reason,
    moved: extra.moved,
    message: extra.message,
    notes: extra.notes,
  };
  const email = renderEmail(kind, data, recipient.locale ?? 'en');
  const ics = extra.ics
    ? {
        method: extra.ics,
        content: buildInvite({
          method: extra.ics,
          uid: o.icsUid,
          sequence: o.icsSequence,
          start: o.startAt,
          end: o.endAt,
          now: extra.now,
          title: ctx.page.title,
          description: `${ctx.page.title} with ${ctx.primary.name}${extra.manageUrl ? `\nManage: ${extra.manageUrl}` : ''}`,
          location: locationText(o),
          url: o.meetingUrl,
          organizer: { name: ctx.primary.name, email: ctx.primary.email },
          attendees: [
            { name: recipient.name, email: recipient.email },
            ...ctx.hosts.filter((h) => h.id !== ctx.primary.id).map((h) => ({ name: h.name, email: h.email })),
          ],
        }),
      }
    : undefined;
  return { bookingId: ctx.bookingId, kind, to: recipient.email, email, ics };
}
