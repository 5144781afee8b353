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
