/**
 * What workflow emails say (SPEC 11): every template variable in each language, the time in the
 * recipient's zone, a working manage link, escaping in the HTML part; the catalogue's text when a
 * workflow has none; the "We missed you" follow-up; one message per host of a collective
 * booking; a group seat's messages are its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { LOCALES } from '../../src/domain/locales';
import { CATALOGUES } from '../../src/ui/i18n';
import { NOW, book, createPage, sweep, workflowMessages } from './helpers';

let page: { id: number; slug: string };
const admin = () => login('admin@example.com');
const addWorkflow = async (pageId: number, body: Record<string, unknown>) => {
  const res = await call(`/api/scheduling-pages/${pageId}/workflows`, { token: await admin(), now: NOW, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json(res)).workflow as { id: number };
};

beforeAll(async () => {
  await seed(new Date(NOW));
  page = await createPage('wf-words', { title: 'Demo & "Q&A"' });
});

const ALL = 'Hi {{bookerName}}, {{hostName}} · {{pageTitle}} · {{start}} · {{manageUrl}} · {{bookingPageUrl}}';

describe('template variables', () => {
  it.each(LOCALES.map((l, i) => [l, i] as const))('%s: each variable, the start in the booker’s zone and language, a working manage link, escaped HTML', async (locale, i) => {
    const workflow = await addWorkflow(page.id, { name: `All ${locale}`, trigger: 'booking_created', action: 'email_booker', subject: 'For {{bookerName}}: {{pageTitle}}', body: ALL });
    const start = `${['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-07'][i]}T16:00:00Z`;
    const { id } = await book(page.slug, start, { locale, timezone: 'Asia/Tokyo', name: `Zoë <b>${locale}</b>` });
    await sweep(NOW);
    const [msg] = (await workflowMessages(id)).filter((r) => r.workflow_id === workflow.id);
    expect(msg.status).toBe('sent');
    const when = new Intl.DateTimeFormat(locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Tokyo' }).format(Date.parse(start));
    const manageUrl = msg.text_body.match(/http:\/\/localhost:8787\/b\/wf-words\/manage\/[A-Za-z0-9_-]+/)?.[0];
    expect(msg.subject).toBe(`For Zoë <b>${locale}</b>: Demo & "Q&A"`);
    expect(msg.text_body).toBe(`Hi Zoë <b>${locale}</b>, Ravi Rep · Demo & "Q&A" · ${when} (Asia/Tokyo) · ${manageUrl} · http://localhost:8787/b/wf-words`);
    // The link is a fresh, working token of this booking.
    const managed = await call(`/api/public/manage/${manageUrl!.split('/').pop()}`, { now: NOW });
    expect(managed.status).toBe(200);
    expect((await json(managed)).booking.id).toBe(id);
    expect(msg.html).toContain(`Zoë &lt;b&gt;${locale}&lt;/b&gt;`);
    expect(msg.html).toContain('Demo &amp; &quot;Q&amp;A&quot;');
    expect(msg.html).not.toContain(`<b>${locale}`);
    expect(msg.html).toContain(`<a href="${manageUrl}"`);
    expect(msg.html).toContain(`lang="${locale}"`);
    await call(`/api/workflows/${workflow.id}`, { method: 'DELETE', token: await admin(), now: NOW });
  });

  it.each(LOCALES.map((l, i) => [l, i] as const))('%s: a reminder without its own text uses the catalogue’s, in the booker’s language', async (locale, i) => {
    const start = `${['2026-12-14', '2026-12-15', '2026-12-16', '2026-12-17', '2026-12-18'][i]}T15:00:00Z`;
    const { id } = await book(page.slug, start, { locale, timezone: 'Europe/Berlin' });
    await sweep(new Date(Date.parse(start) - 86_400_000).toISOString());
    const day = (await workflowMessages(id)).find((r) => r.name === 'Reminder 24 hours before')!;
    expect(day.status).toBe('sent');
    const t = CATALOGUES[locale].workflow.before_start;
    const when = new Intl.DateTimeFormat(locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Europe/Berlin' }).format(Date.parse(start));
    expect(day.subject).toBe(t.subject.replace('{{pageTitle}}', 'Demo & "Q&A"').replace('{{start}}', `${when} (Europe/Berlin)`));
    expect(day.text_body).toContain('/b/wf-words/manage/');
  });

  it('a host email: the host’s language and zone, no manage link; a collective booking sends one to each host', async () => {
    const collective = await createPage('wf-pair', { strategy: 'collective', hosts: [{ userId: 2 }, { userId: 3 }] });
    await addWorkflow(collective.id, { name: 'Tell hosts', trigger: 'booking_created', action: 'email_host', body: '{{hostName}}: {{bookerName}} at {{start}}' });
    const { id } = await book(collective.slug, '2026-12-01T15:00:00Z', { timezone: 'Asia/Tokyo', name: 'Pat' });
    // One host has moved to India (a half-hour zone) by the time it goes out; the other is in the page's New York.
    await env.DB.prepare(`UPDATE users SET timezone = 'Asia/Kolkata' WHERE email = 'rep1@example.com'`).run();
    await sweep(NOW);
    const rows = (await workflowMessages(id)).filter((r) => r.name === 'Tell hosts');
    expect(rows.map((r) => [r.to_address, r.status])).toEqual([['manager@example.com', 'sent'], ['rep1@example.com', 'sent']]);
    expect(rows[0].text_body).toBe('Maya Manager, Ravi Rep: Pat at Tuesday, December 1, 2026 at 10:00 AM (America/New_York)');
    expect(rows[1].text_body).toBe('Maya Manager, Ravi Rep: Pat at Tuesday, December 1, 2026 at 8:30 PM (Asia/Kolkata)');
    await env.DB.prepare(`UPDATE users SET timezone = 'America/New_York' WHERE email = 'rep1@example.com'`).run();
  });
});

describe('the no-show follow-up', () => {
  it('"We missed you", once turned on, goes to a booker marked no-show with a link to book again — once, however often it is marked', async () => {
    const missed = (await json(await call(`/api/scheduling-pages/${page.id}/workflows`, { token: await admin(), now: NOW }))).workflows.find((w: any) => w.name === 'We missed you');
    expect((await call(`/api/workflows/${missed.id}`, { method: 'PATCH', token: await admin(), now: NOW, body: { active: true } })).status).toBe(200);
    const { id } = await book(page.slug, '2026-11-23T14:00:00Z', { name: 'Sam' });
    const mark = (status: string, at: string) => call(`/api/bookings/${id}/attendance`, { token: admin_, now: at, body: { status } });
    const admin_ = await admin();
    expect((await mark('no_show', '2026-11-23T15:00:00Z')).status).toBe(200);
    expect((await mark('no_show', '2026-11-23T15:01:00Z')).status).toBe(200);
    expect((await mark('attended', '2026-11-23T15:02:00Z')).status).toBe(200);
    expect((await mark('no_show', '2026-11-23T15:03:00Z')).status).toBe(200);
    await sweep('2026-11-23T15:05:00Z');
    const rows = (await workflowMessages(id)).filter((r) => r.workflow_id === missed.id);
    expect(rows.map((r) => r.status)).toEqual(['sent']);
    expect(rows[0].subject).toBe('We missed you at Demo & "Q&A"');
    expect(rows[0].text_body).toContain('pick a new time here: http://localhost:8787/b/wf-words');
    expect(rows[0].html).toContain('<a href="http://localhost:8787/b/wf-words"');
  });
});

describe('group seats', () => {
  it('each seat has its own reminders; a seat leaving cancels only its own and gets its own cancellation message', async () => {
    const group = await createPage('wf-group', { strategy: 'group', groupCapacity: 5 });
    await addWorkflow(group.id, { name: 'Sorry to see you go', trigger: 'booking_cancelled', action: 'email_booker' });
    const a = await book(group.slug, '2026-12-02T15:00:00Z', { name: 'Ana' });
    const b = await book(group.slug, '2026-12-02T15:00:00Z', { name: 'Ben' });
    expect(b.id).toBe(a.id);
    const seats = await env.DB.prepare(`SELECT id, name FROM booking_attendees WHERE booking_id = ? ORDER BY name`).bind(a.id).all<{ id: string; name: string }>();
    const [ana, ben] = seats.results;
    const before = await workflowMessages(a.id);
    expect(before.map((r) => [r.name, r.attendee_id]).sort()).toEqual(
      [['Reminder 1 hour before', ana.id], ['Reminder 1 hour before', ben.id], ['Reminder 24 hours before', ana.id], ['Reminder 24 hours before', ben.id]].sort(),
    );
    expect((await call(`/api/public/manage/${a.token}/cancel`, { now: NOW, body: {} })).status).toBe(200);
    await sweep(NOW);
    const after = await workflowMessages(a.id);
    const of = (seat: string) => after.filter((r) => r.attendee_id === seat).map((r) => [r.name, r.status]).sort();
    expect(of(ana.id)).toEqual([['Reminder 1 hour before', 'cancelled'], ['Reminder 24 hours before', 'cancelled'], ['Sorry to see you go', 'sent']]);
    expect(of(ben.id)).toEqual([['Reminder 1 hour before', 'pending'], ['Reminder 24 hours before', 'pending']]);
    expect(after.find((r) => r.name === 'Sorry to see you go')!.text_body).toContain('Hi Ana,');
  });
});
