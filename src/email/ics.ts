/**
 * iTIP invitations (RFC 5545/5546) with the `ics` package, made exact where the package is not:
 * it escapes parameter values with backslashes (CN="A \\"B\\"" ends the quoted string early) and
 * folds at 75 characters instead of 75 octets. So names go in already RFC 6868-encoded (the
 * package then only adds the quotes), text goes in without stray controls (the package's own
 * RFC 5545 3.3.11 escaping is right), and the output is refolded at 75 octets. Method, UID and
 * SEQUENCE are always set: the package would otherwise emit METHOD:PUBLISH and a random UID,
 * and calendars would add a second event instead of updating the first.
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

const NEWLINE = /\r\n|\r|\n/g;
/** Controls other than tab have no place in a content line (input refuses them; old rows may hold them). */
const CONTROL = /[\0-\x08\x0B-\x1F\x7F]/g;

/** Text for a TEXT value: one kind of line break, no other controls (the package escapes the rest). */
const cleanText = (value: string) => value.replace(NEWLINE, '\n').replace(CONTROL, '');

/** RFC 6868 inside a quoted parameter value (the package adds the quotes): `^` → `^^`, `"` → `^'`, line break → `^n`. */
export function paramValue(value: string): string {
  return value
    .replace(NEWLINE, '\n')
    .replace(CONTROL, '')
    .replace(/[\^"\n]/g, (ch) => (ch === '^' ? '^^' : ch === '"' ? "^'" : '^n'));
}

/** A calendar address with anything that could end the line removed. */
const address = (email: string) => email.replace(/[\0-\x20\x7F"]/g, '');

/** UTF-8 octets of one code point (a string of one character, as `for…of` yields them). */
const octetsOf = (ch: string) => {
  const cp = ch.codePointAt(0)!;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
};

/** Folds a content line at 75 octets (RFC 5545 3.1): CRLF + space, never inside a UTF-8 sequence or a surrogate pair. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = octetsOf(ch);
    // Continuation lines begin with the space, which counts toward their 75.
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

/** The package folds at 75 characters with CRLF + TAB; undo that and fold by octets instead. */
const refold = (ics: string) =>
  ics
    .replace(/\r\n\t/g, '')
    .split('\r\n')
    .map((line) => (line ? foldLine(line) : line))
    .join('\r\n');

export function buildInvite(invite: Invite): string {
  const url = invite.url && /^https?:\/\//i.test(invite.url) && !/[\0-\x20\x7F]/.test(invite.url) ? invite.url : undefined;
  const { error, value } = createEvent({
    productId: 'scheduling-bookings/ics',
    method: invite.method,
    uid: cleanText(invite.uid),
    sequence: Math.max(0, Math.trunc(invite.sequence)),
    start: invite.start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: invite.end,
    endInputType: 'utc',
    endOutputType: 'utc',
    timestamp: invite.now,
    title: cleanText(invite.title),
    description: cleanText(invite.description),
    location: invite.location ? cleanText(invite.location) : undefined,
    url,
    status: invite.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: { name: paramValue(invite.organizer.name), email: address(invite.organizer.email) },
    attendees: invite.attendees.map((a) => ({
      name: paramValue(a.name),
      email: address(a.email),
      rsvp: invite.method === 'REQUEST',
      partstat: 'NEEDS-ACTION',
      role: 'REQ-PARTICIPANT',
    })),
  } as Parameters<typeof createEvent>[0] & { timestamp: number });
  if (error || !value) throw error ?? new Error('ICS generation failed');
  return refold(value);
}
