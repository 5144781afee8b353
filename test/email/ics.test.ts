import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { buildInvite } from '../../src/email/ics';

const base = {
  uid: 'series-1@bookings.example.com',
  start: Date.parse('2026-12-01T15:00:00Z'),
  end: Date.parse('2026-12-01T15:30:00Z'),
  now: Date.parse('2026-11-23T12:00:00Z'),
  title: 'Intro call',
  description: 'Intro call with Ravi',
  location: 'Meet',
  url: 'https://meet.google.com/abc-defg-hij',
  organizer: { name: 'Ravi Rep', email: 'rep1@example.com' },
  attendees: [{ name: 'Alice Carter', email: 'alice@acme.test' }],
};

function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return { cal, event: cal.getFirstSubcomponent('vevent')! };
}

describe('ICS invitations', () => {
  it('REQUEST carries method, stable UID, SEQUENCE, DTSTAMP, ORGANIZER and ATTENDEE as mailto with RSVP', () => {
    const { cal, event } = parse(buildInvite({ ...base, method: 'REQUEST', sequence: 0 }));
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.getFirstPropertyValue('uid')).toBe(base.uid);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(event.getFirstPropertyValue('dtstamp')!.toString()).toBe('2026-11-23T12:00:00Z');
    expect(event.getFirstPropertyValue('dtstart')!.toString()).toBe('2026-12-01T15:00:00Z');
    expect(event.getFirstPropertyValue('dtend')!.toString()).toBe('2026-12-01T15:30:00Z');
    expect(String(event.getFirstPropertyValue('organizer')).toLowerCase()).toBe('mailto:rep1@example.com');
    const attendee = event.getFirstProperty('attendee')!;
    expect(String(attendee.getFirstValue()).toLowerCase()).toBe('mailto:alice@acme.test');
    expect(attendee.getParameter('rsvp')).toBe('TRUE');
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event.getFirstPropertyValue('url')).toBe(base.url);
  });

  it('CANCEL keeps the UID, raises SEQUENCE and says STATUS:CANCELLED', () => {
    const { cal, event } = parse(buildInvite({ ...base, method: 'CANCEL', sequence: 1 }));
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('uid')).toBe(base.uid);
    expect(event.getFirstPropertyValue('sequence')).toBe(1);
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('never puts a non-http URL into the invite', () => {
    const { event } = parse(buildInvite({ ...base, method: 'REQUEST', sequence: 0, url: 'javascript:alert(1)' }));
    expect(event.getFirstPropertyValue('url')).toBeNull();
  });
});

/** Content lines as sent: CRLF-separated, each at most 75 octets. */
const contentLines = (ics: string) => {
  expect(ics.endsWith('\r\n')).toBe(true);
  expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare CR or LF anywhere
  return ics.slice(0, -2).split('\r\n');
};

describe('ICS text and parameter escaping (RFC 5545 3.3.11, RFC 6868) and folding', () => {
  const tricky = 'Zoë "Z" O\'Brien, Jr.; back\\slash ^caret: 😀';

  it('a name with quotes, commas, semicolons, backslash, caret, colon and emoji round-trips exactly through CN', () => {
    const ics = buildInvite({ ...base, method: 'REQUEST', sequence: 0, organizer: { name: 'Ravi "R" Rep', email: 'rep1@example.com' }, attendees: [{ name: tricky, email: 'zoe@acme.test' }] });
    // Parameter values never carry a backslash escape: RFC 6868 carets, quoted because of : ; ,
    expect(ics.replace(/\r\n /g, '')).toContain(`CN="Zoë ^'Z^' O'Brien, Jr.; back\\slash ^^caret: 😀"`);
    const { event } = parse(ics);
    expect(event.getFirstProperty('attendee')!.getParameter('cn')).toBe(tricky);
    expect(event.getFirstProperty('organizer')!.getParameter('cn')).toBe('Ravi "R" Rep');
  });

  it('a bare CR or LF in a name becomes ^n, never a broken line', () => {
    const ics = buildInvite({ ...base, method: 'REQUEST', sequence: 0, attendees: [{ name: 'Ann\rBob\nCy', email: 'ann@acme.test' }] });
    contentLines(ics);
    expect(parse(ics).event.getFirstProperty('attendee')!.getParameter('cn')).toBe('Ann\nBob\nCy');
  });

  it('TEXT values escape backslash, semicolon, comma and line breaks, and come back exactly', () => {
    const title = 'Pricing; terms, and \\ "quotes" 😀';
    const description = 'Line one\r\nLine two; with, commas\nand a \\ backslash\rlast';
    const ics = buildInvite({ ...base, method: 'REQUEST', sequence: 0, title, description, location: 'HQ, 5th floor; room "A"' });
    expect(ics).toContain('SUMMARY:Pricing\\; terms\\, and \\\\ "quotes" 😀\r\n');
    expect(ics).toContain('DESCRIPTION:Line one\\nLine two\\; with\\, commas\\nand a \\\\ backslash\\nlast\r\n');
    const { event } = parse(ics);
    expect(event.getFirstPropertyValue('summary')).toBe(title);
    expect(event.getFirstPropertyValue('description')).toBe('Line one\nLine two; with, commas\nand a \\ backslash\nlast');
    expect(event.getFirstPropertyValue('location')).toBe('HQ, 5th floor; room "A"');
  });

  it('folds at 75 octets without splitting a UTF-8 character, and unfolds to the same text', () => {
    const title = `${'é'.repeat(40)}${'😀'.repeat(30)}${'a'.repeat(100)}`;
    const name = `${'名'.repeat(50)} "Q"`;
    const ics = buildInvite({ ...base, method: 'REQUEST', sequence: 0, title, attendees: [{ name, email: 'long@acme.test' }] });
    const lines = contentLines(ics);
    const encoder = new TextEncoder();
    for (const line of lines) {
      expect(encoder.encode(line).length, line).toBeLessThanOrEqual(75);
      expect(line).not.toMatch(/[\uD800-\uDBFF]$/); // never half a surrogate pair
    }
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThan(3);
    const { event } = parse(ics);
    expect(event.getFirstPropertyValue('summary')).toBe(title);
    expect(event.getFirstProperty('attendee')!.getParameter('cn')).toBe(name);
  });
});
