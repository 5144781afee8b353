import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { sweepBriefings } from '../../src/briefing/sweep';
import { sweepOutbox } from '../../src/email/delivery';

// SPEC 15: a group occurrence's row lists its current attendees, search finds any of them,
// attendance is marked per attendee and the briefing names every attendee.
const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

/** A seat on the west-webinar (rep2's group page) at `start`. */
async function join(start: string, name: string, email: string) {
  const res = await call('/api/public/pages/west-webinar/bookings', { body: { start, name, email }, now });
  expect(res.status).toBe(201);
  const body = await json(res);
  return { occurrenceId: body.booking.id as string, token: (body.manageUrl as string).split('/').pop()! };
}

const rep2 = async (path: string, opts: { body?: unknown; now?: string } = {}) =>
  call(path, { token: await login('rep2@example.com'), body: opts.body, now: opts.now ?? now });

const search = async (q: string, tab = 'upcoming', at = now) =>
  (await json(await rep2(`/api/bookings?tab=${tab}&q=${encodeURIComponent(q)}`, { now: at }))).bookings as any[];

const detail = async (id: string, at = now) => (await json(await rep2(`/api/bookings/${id}`, { now: at }))).booking;

describe('a group occurrence shows its current attendees', () => {
  it('after the first booker leaves, the row, search and briefing show the one who stayed', async () => {
    const start = '2026-12-09T15:00:00Z';
    const first = await join(start, 'Gwendolyn Firstcomer', 'gwen.first@attendees.test');
    const second = await join(start, 'Horatio Staysalot', 'horatio.stays@attendees.test');
    expect(second.occurrenceId).toBe(first.occurrenceId);
    expect((await call(`/api/public/manage/${first.token}/cancel`, { body: {}, now })).status).toBe(200);

    const [row] = await search('Staysalot');
    expect(row).toMatchObject({ id: first.occurrenceId, bookerName: 'Horatio Staysalot', bookerEmail: 'horatio.stays@attendees.test', attendeeCount: 1 });
    expect(row.attendees).toEqual([expect.objectContaining({ name: 'Horatio Staysalot', email: 'horatio.stays@attendees.test', attendance: null })]);
    expect(await search('Firstcomer')).toEqual([]);
    expect(await search('gwen.first')).toEqual([]);
    // The Bookings page row and drawer too.
    const html = await (await call('/app/bookings?q=Staysalot', { headers: { cookie: `session=${await login('rep2@example.com')}` }, now })).text();
    expect(html).toContain('Horatio Staysalot');
    expect(html).not.toContain('Gwendolyn');

    // The briefing an hour ahead names the attendee who stayed, never the one who left.
    const at = Date.parse(start) - 30 * 60_000;
    expect(await sweepBriefings(env, at)).toBeGreaterThanOrEqual(1);
    await sweepOutbox(env, at);
    const mail = await env.DB.prepare("SELECT subject, text_body FROM email_outbox WHERE booking_id = ? AND kind = 'briefing'")
      .bind(first.occurrenceId)
      .first<{ subject: string; text_body: string }>();
    expect(mail!.subject).toBe('In 1 hour: Onboarding webinar with Horatio Staysalot');
    expect(mail!.text_body).toContain('Your meeting with Horatio Staysalot <horatio.stays@attendees.test> starts soon.');
    expect(mail!.text_body).not.toContain('Gwendolyn');
  });

  it('search finds every attendee, not only the first, and the briefing names them all', async () => {
    const start = '2026-12-10T15:00:00Z';
    const a = await join(start, 'Ingrid Opener', 'ingrid.opener@attendees.test');
    await join(start, 'Jasper Secondseat', 'jasper.second@attendees.test');
    await join(start, 'Kiri Thirdseat', 'kiri.third@attendees.test');
    expect((await search('Secondseat')).map((b) => b.id)).toEqual([a.occurrenceId]);
    expect((await search('kiri.third@')).map((b) => b.id)).toEqual([a.occurrenceId]);
    const booking = await detail(a.occurrenceId);
    expect(booking.attendees.map((x: { name: string }) => x.name)).toEqual(['Ingrid Opener', 'Jasper Secondseat', 'Kiri Thirdseat']);

    const at = Date.parse(start) - 30 * 60_000;
    await sweepBriefings(env, at);
    await sweepOutbox(env, at);
    const mail = await env.DB.prepare("SELECT subject, text_body FROM email_outbox WHERE booking_id = ? AND kind = 'briefing'")
      .bind(a.occurrenceId)
      .first<{ subject: string; text_body: string }>();
    expect(mail!.subject).toBe('In 1 hour: Onboarding webinar with Ingrid Opener, Jasper Secondseat and Kiri Thirdseat');
    for (const who of ['Ingrid Opener <ingrid.opener@attendees.test>', 'Jasper Secondseat <jasper.second@attendees.test>', 'Kiri Thirdseat <kiri.third@attendees.test>'])
      expect(mail!.text_body).toContain(who);
  });
});

describe('attendance per attendee', () => {
  const meta = async (personId: number) => (await json(await call(`/api/persons/${personId}`, { token: await login('admin@example.com') }))).person.lifecycleMeta;
  const mark = (id: string, body: unknown, at: string) => rep2(`/api/bookings/${id}/attendance`, { body, now: at });

  it('marks one attendee and only their person’s lifecycle moves; without an id, every attendee', async () => {
    const start = '2026-12-11T15:00:00Z';
    const after = '2026-12-11T17:00:00.000Z';
    const a = await join(start, 'Lorna Present', 'lorna.present@attendees.test');
    await join(start, 'Milo Absent', 'milo.absent@attendees.test');
    const other = await join('2026-12-11T18:00:00Z', 'Nell Elsewhere', 'nell.elsewhere@attendees.test');
    const [lorna, milo] = (await detail(a.occurrenceId, after)).attendees as { id: string; personId: number }[];
    const [nell] = (await detail(other.occurrenceId, after)).attendees as { id: string }[];

    let res = await mark(a.occurrenceId, { status: 'no_show', attendeeId: milo.id }, after);
    expect(res.status).toBe(200);
    const marked = (await json(res)).booking;
    expect(marked.attendees.map((x: { attendance: string | null }) => x.attendance)).toEqual([null, 'no_show']);
    expect(await meta(milo.personId)).toMatchObject({ noShowCount: 1, attendedCount: 0, lastNoShowAt: after });
    expect(await meta(lorna.personId)).toMatchObject({ noShowCount: 0, attendedCount: 0 });
    // Repeating is a no-op.
    await mark(a.occurrenceId, { status: 'no_show', attendeeId: milo.id }, after);
    expect((await meta(milo.personId)).noShowCount).toBe(1);

    // Another occurrence's attendee, or an unknown one: 404, nothing written.
    expect((await mark(a.occurrenceId, { status: 'attended', attendeeId: nell.id }, after)).status).toBe(404);
    expect((await mark(a.occurrenceId, { status: 'attended', attendeeId: 'nobody' }, after)).status).toBe(404);
    expect((await mark(a.occurrenceId, { status: 'attended', attendeeId: 42 }, after)).status).toBe(400);
    expect(await meta(lorna.personId)).toMatchObject({ attendedCount: 0 });

    // The whole occurrence: every attendee attended, and Milo's no-show is taken back.
    res = await mark(a.occurrenceId, { status: 'attended' }, after);
    expect((await json(res)).booking).toMatchObject({ attendance: 'attended' });
    expect(await meta(lorna.personId)).toMatchObject({ attendedCount: 1, noShowCount: 0 });
    expect(await meta(milo.personId)).toMatchObject({ attendedCount: 1, noShowCount: 0 });
    await mark(a.occurrenceId, { status: 'attended' }, after);
    expect((await meta(lorna.personId)).attendedCount).toBe(1);
    const activities = await env.DB.prepare("SELECT kind FROM activities WHERE person_id = ? AND kind IN ('attended', 'no_show') ORDER BY id")
      .bind(milo.personId)
      .all<{ kind: string }>();
    expect(activities.results.map((r) => r.kind)).toEqual(['no_show', 'attended']);

    // The drawer offers each attendee their own marks on the Past tab.
    const html = await (await call(`/app/bookings?tab=past&q=Lorna`, { headers: { cookie: `session=${await login('rep2@example.com')}` }, now: after })).text();
    expect(html).toContain(`data-attendee="${milo.id}" data-status="no_show"`);
  });
});
