/**
 * iTIP invitations (RFC 5545/5546) with the `ics` package. Method, UID and SEQUENCE are always
 * set: the package would otherwise emit METHOD:PUBLISH and a random UID, and calendars would
 * add a second event instead of updating the first.
 */
import { createEvent } from 'ics';

export type InviteMethod = 'REQUEST' | 'CANCEL';

export type Invite = {
  method: InviteMethod;
  uid: string;
  sequence: number;
  start: number;
  end: number;
  now: number;
  title: string;
  description: string;
  location?: string | null;
  url?: string | null;
  organizer: { name: string; email: string };
  attendees: { name: string; email: string }[];
};

export function buildInvite(invite: Invite): string {
  const { error, value } = createEvent({
    productId: 'scheduling-bookings/ics',
    method: invite.method,
    uid: invite.uid,
    sequence: invite.sequence,
    start: invite.start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: invite.end,
    endInputType: 'utc',
    endOutputType: 'utc',
    timestamp: invite.now,
    title: invite.title,
    description: invite.description,
    location: invite.location ?? undefined,
    url: invite.url && /^https?:\/\//i.test(invite.url) ? invite.url : undefined,
    status: invite.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: invite.organizer,
    attendees: invite.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      rsvp: invite.method === 'REQUEST',
      partstat: 'NEEDS-ACTION',
      role: 'REQ-PARTICIPANT',
    })),
  } as Parameters<typeof createEvent>[0] & { timestamp: number });
  if (error || !value) throw error ?? new Error('ICS generation failed');
  return value;
}
