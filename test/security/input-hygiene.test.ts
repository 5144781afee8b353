import { beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { call, env, json, login, seed } from '../helpers';

const NOW = '2026-11-23T12:00:00Z';
const START = '2026-12-01T15:00:00Z'; // Tuesday 10:00 in New York

beforeAll(() => seed(new Date(NOW)));

/** Row counts of everything a booking or a page edit writes: equal before and after means nothing was written. */
async function counts() {
  const tables = ['bookings', 'booking_attendees', 'manage_tokens', 'host_claims', 'email_outbox', 'persons', 'scheduling_pages'];
  const rows = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT COUNT(*) n FROM ${t}`)));
  const pages = await env.DB.prepare("SELECT GROUP_CONCAT(title || '|' || description || '|' || questions, ',') g FROM scheduling_pages").first<{ g: string }>();
  return JSON.stringify([rows.map((r) => r.results[0]), pages]);
}

let n = 0;
const book = (body: Record<string, unknown>) => {
  n += 1;
  return call('/api/public/pages/hygiene/bookings', {
    now: NOW,
    headers: { 'x-test-client-ip': `203.0.113.${n}` },
    body: { start: START, name: 'Ann Example', email: `ann${n}@example.org`, answers: { company: 'Acme' }, ...body },
  });
};

async function expectRefused(res: Response | Promise<Response>, before: string, label: string) {
  const r = await res;
  expect(r.status, label).toBe(400);
  expect((await json(r)).error.code, label).toBe('validation_failed');
  expect(await counts(), label).toBe(before);
}

let admin = '';

beforeAll(async () => {
  admin = await login('admin@example.com');
  const res = await call('/api/scheduling-pages', {
    token: admin,
    now: NOW,
    body: {
      slug: 'hygiene',
      title: 'Hygiene check',
      durationMinutes: 30,
      timezone: 'America/New_York',
      locationType: 'phone',
      locationValue: '+1 555 0100',
      strategy: 'individual',
      hosts: [{ userId: 3 }],
      questions: [
        { id: 'company', label: 'Company', type: 'text', required: true },
        { id: 'goals', label: 'Goals', type: 'textarea', required: false },
      ],
    },
  });
  expect(res.status).toBe(201);
});

describe('booker text is refused with control or bidi characters, or nothing visible', () => {
  const BAD_NAMES: Record<string, string> = {
    NUL: 'Ann\u0000Example',
    'bare CR': 'Ann\rExample',
    'line feed': 'Ann\nExample',
    tab: 'Ann\tExample',
    DEL: 'Ann\u007f',
    'C1 control': 'Ann\u0085Example',
    'right-to-left override': 'Ann \u202Egnp.exe',
    'left-to-right embedding': '\u202AAnn',
    'first-strong isolate': 'Ann\u2068x\u2069',
    'zero-width only': '\u200B\u200C\u200D\uFEFF',
    'Hangul filler only': '\u3164',
    'direction marks only': '\u200E\u200F',
    'whitespace only': ' \u00A0\u3000 ',
    'lone surrogate': 'Ann\uD800',
    'line separator': 'Ann\u2028Example',
  };
  for (const [label, name] of Object.entries(BAD_NAMES)) {
    it(`name: ${label} → 400, nothing written`, async () => {
      await expectRefused(book({ name }), await counts(), label);
    });
  }

  it('notes and answers: control characters refused, a line break fine only where text may span lines', async () => {
    const before = await counts();
    await expectRefused(book({ notes: 'Call me\u0007' }), before, 'bell in notes');
    await expectRefused(book({ notes: 'one\rtwo' }), before, 'bare CR in notes');
    await expectRefused(book({ notes: '\u202Eevil' }), before, 'bidi in notes');
    await expectRefused(book({ notes: '\u200B' }), before, 'zero-width notes');
    await expectRefused(book({ answers: { company: 'Acme\nInc' } }), before, 'line break in a one-line answer');
    await expectRefused(book({ answers: { company: 'Acme', goals: 'grow\u0000' } }), before, 'NUL in a textarea answer');
    await expectRefused(book({ answers: { company: '\u2066Acme\u2069' } }), before, 'isolates in an answer');
  });

  it('a whitespace-only (or zero-width) answer does not satisfy a required question', async () => {
    const before = await counts();
    for (const company of ['   ', '\t\n ', '\u3000']) {
      const res = await book({ answers: { company } });
      expect(res.status, JSON.stringify(company)).toBe(400);
      expect((await json(res)).error.issues.map((i: { path: string[] }) => i.path.join('.'))).toContain('answers.company');
    }
    await expectRefused(book({ answers: { company: '\u200B' } }), before, 'zero-width answer');
    expect(await counts()).toBe(before);
  });

  it('ordinary text passes: accents, right-to-left names with their marks, emoji, multi-line notes (CRLF kept as LF)', async () => {
    const res = await book({ name: '  שרה כהן\u200F  ', notes: 'Line one\r\nLine two\n\tindented 😀', answers: { company: 'Zoë & Co', goals: 'a\r\nb' } });
    expect(res.status).toBe(201);
    const id = (await json(res)).booking.id;
    const row = await env.DB.prepare('SELECT booker_name, notes, answers FROM bookings WHERE id = ?').bind(id).first<{ booker_name: string; notes: string; answers: string }>();
    expect(row!.booker_name).toBe('שרה כהן\u200F');
    expect(row!.notes).toBe('Line one\nLine two\n\tindented 😀');
    expect(JSON.parse(row!.answers)).toEqual({ company: 'Zoë & Co', goals: 'a\nb' });
  });
});

describe('every other place text comes in', () => {
  it('cancel reasons (booker and host) and the host reschedule message', async () => {
    const booked = await book({ start: '2026-12-02T15:00:00Z' });
    expect(booked.status).toBe(201);
    const { booking, manageUrl } = await json(booked);
    const token = manageUrl.split('/').pop();
    const before = await counts();
    await expectRefused(call(`/api/public/manage/${token}/cancel`, { now: NOW, body: { reason: 'bye\u0000' } }), before, 'NUL reason');
    await expectRefused(call(`/api/public/manage/${token}/cancel`, { now: NOW, body: { reason: '\u200B\u200B' } }), before, 'invisible reason');
    await expectRefused(call(`/api/bookings/${booking.id}/cancel`, { token: admin, now: NOW, body: { reason: 'x\u202Ey' } }), before, 'bidi host reason');
    await expectRefused(
      call(`/api/bookings/${booking.id}/reschedule`, { token: admin, now: NOW, body: { start: '2026-12-03T15:00:00Z', message: 'see\ryou' } }),
      before,
      'bare CR in message',
    );
    const ok = await call(`/api/public/manage/${token}/cancel`, { now: NOW, body: { reason: 'Something came up.\nSorry!' } });
    expect(ok.status).toBe(200);
  });

  it('page titles, descriptions and question labels and options', async () => {
    const before = await counts();
    const patch = (body: unknown) => call('/api/scheduling-pages/1', { token: admin, method: 'PATCH', now: NOW, body });
    await expectRefused(patch({ title: 'Intro\u202E' }), before, 'bidi title');
    await expectRefused(patch({ title: '\u200B' }), before, 'invisible title');
    await expectRefused(patch({ title: 'Intro\ncall' }), before, 'two-line title');
    await expectRefused(patch({ description: 'About\u0000' }), before, 'NUL description');
    await expectRefused(patch({ questions: [{ id: 'q', label: '\u3164', type: 'text' }] }), before, 'filler label');
    await expectRefused(patch({ questions: [{ id: 'q', label: 'Size', type: 'select', options: ['S', 'M\u0008'] }] }), before, 'control in an option');
    expect((await patch({ description: 'Two\nlines are fine here' })).status).toBe(200);
  });
});

describe('what reaches the invitation and the subject', () => {
  const NAME = 'Zoë "Z" O\'Brien, Jr.; back\\slash 😀';

  it('a name with " , ; \\ and emoji parses with ical.js and round-trips exactly, and subjects stay one line', async () => {
    const res = await book({ start: '2026-12-04T15:00:00Z', name: NAME });
    expect(res.status).toBe(201);
    const token = (await json(res)).manageUrl.split('/').pop();
    const ics = await (await call(`/api/public/manage/${token}/invite.ics`, { now: NOW })).text();
    expect(ics).not.toContain('\\"'); // the old output: a backslash-escaped quote inside CN
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    const attendee = event.getAllProperties('attendee').find((p) => String(p.getFirstValue()).toLowerCase().includes('zoe') || p.getParameter('cn') === NAME);
    expect(attendee?.getParameter('cn')).toBe(NAME);
    const mails = await env.DB.prepare("SELECT subject, ics FROM email_outbox WHERE booking_id = (SELECT id FROM bookings WHERE booker_name = ?)").bind(NAME).all<{ subject: string; ics: string | null }>();
    expect(mails.results.length).toBeGreaterThan(0);
    for (const m of mails.results) {
      expect(m.subject).not.toMatch(/[\r\n]/);
      if (m.ics) expect(new ICAL.Component(ICAL.parse(m.ics)).getFirstSubcomponent('vevent')!.getFirstProperty('attendee')!.getParameter('cn')).toBe(NAME);
    }
  });

  it('a page title with a line break in old data never puts CR/LF into a subject', async () => {
    await env.DB.prepare("UPDATE scheduling_pages SET title = 'Old\r\nBcc: victim@example.org' WHERE slug = 'hygiene'").run();
    const res = await book({ start: '2026-12-07T15:00:00Z' });
    expect(res.status).toBe(201);
    const id = (await json(res)).booking.id;
    // Workflow reminders are queued without a body and composed at their first attempt through the same layout.
    const mails = await env.DB.prepare('SELECT subject FROM email_outbox WHERE booking_id = ? AND workflow_id IS NULL').bind(id).all<{ subject: string }>();
    expect(mails.results.length).toBeGreaterThan(0);
    for (const m of mails.results) expect(m.subject).toMatch(/^[^\r\n]*Old Bcc: victim@example\.org/);
  });
});
