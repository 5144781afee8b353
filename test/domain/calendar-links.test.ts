/** Add-to-calendar links (SPEC 10): right UTC instants, every character of the title intact. */
import { describe, expect, it } from 'vitest';
import { googleCalendarUrl, icsUrl, outlookCalendarUrl } from '../../src/domain/calendar-links';

const event = {
  title: 'Q&A #1: Ana & Bo + 50% "off"',
  start: Date.parse('2026-12-03T15:00:00Z'),
  end: Date.parse('2026-12-03T15:30:00Z'),
  details: 'Line one\nhttps://example.com/b/x/manage/abc?y=1&z=2',
  location: 'HQ, 5th floor #2',
};

describe('calendar links', () => {
  it('Google: a TEMPLATE link with the UTC times and the text as typed', () => {
    const url = new URL(googleCalendarUrl(event));
    expect(`${url.origin}${url.pathname}`).toBe('https://calendar.google.com/calendar/render');
    expect(url.hash).toBe('');
    expect(url.searchParams.get('action')).toBe('TEMPLATE');
    expect(url.searchParams.get('dates')).toBe('20261203T150000Z/20261203T153000Z');
    expect(url.searchParams.get('text')).toBe(event.title);
    expect(url.searchParams.get('details')).toBe(event.details);
    expect(url.searchParams.get('location')).toBe(event.location);
    // Spaces as %20, never '+', which some calendars show as a plus.
    expect(url.search).not.toMatch(/\+/);
    expect(url.search).toContain('Q%26A%20%231');
  });

  it('Outlook on the web: a compose deeplink with ISO UTC times', () => {
    const url = new URL(outlookCalendarUrl(event));
    expect(`${url.origin}${url.pathname}`).toBe('https://outlook.live.com/calendar/0/deeplink/compose');
    expect(url.hash).toBe('');
    expect(url.searchParams.get('startdt')).toBe('2026-12-03T15:00:00Z');
    expect(url.searchParams.get('enddt')).toBe('2026-12-03T15:30:00Z');
    expect(url.searchParams.get('subject')).toBe(event.title);
    expect(url.searchParams.get('body')).toBe(event.details);
    expect(url.searchParams.get('location')).toBe(event.location);
  });

  it('.ics: the manage token’s invite', () => {
    expect(icsUrl('https://app.example/', 'T0k')).toBe('https://app.example/api/public/manage/T0k/invite.ics');
  });
});
