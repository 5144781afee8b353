import { beforeAll, describe, expect, it } from 'vitest';
import { call, env, json, login, seed } from '../helpers';
import { sweepBriefings } from '../../src/briefing/sweep';
import { sweepOutbox } from '../../src/email/delivery';

// SPEC 15: CRM visibility follows the person's owner. Alice Carter (person 1) is owned by rep1
// (West); rep3 is the East rep, rep2 a West rep (scope own), manager the West manager.
const NOW = new Date('2026-11-23T12:00:00Z');
const now = NOW.toISOString();

beforeAll(() => seed(NOW));

async function book(slug: string, start: string, name: string, email: string) {
  const res = await call(`/api/public/pages/${slug}/bookings`, { body: { start, name, email }, now });
  expect(res.status).toBe(201);
  return (await json(res)).booking.id as string;
}

const as = async (email: string, path: string, opts: { body?: unknown; now?: string } = {}) =>
  call(path, { token: await login(email), body: opts.body, now: opts.now ?? now });
const rows = async (email: string, q: string, tab = 'upcoming', at = now) =>
  (await json(await as(email, `/api/bookings?tab=${tab}&q=${encodeURIComponent(q)}`, { now: at }))).bookings as any[];
const alice = async () => (await json(await as('admin@example.com', '/api/persons/1'))).person;
const page = async (email: string, query: string, at = now) =>
  (await call(`/app/bookings?${query}`, { headers: { cookie: `session=${await login(email)}` }, now: at })).text();

describe('a booking with an existing person’s email, by a host outside the owner’s scope', () => {
  it('links to the person, but the East rep sees only what was typed, gets no CRM briefing and cannot move her lifecycle', async () => {
    const start = '2026-12-09T09:00:00Z';
    const id = await book('jonas-beratung', start, 'Ally Typed', 'alice@acme.test');
    // Still linked: the organization sees Alice on it.
    expect((await json(await as('admin@example.com', `/api/bookings/${id}`))).booking.personId).toBe(1);

    // rep3 cannot read Alice's record, nor see her CRM name or link on the row or in search.
    expect((await as('rep3@example.com', '/api/persons/1')).status).toBe(404);
    const [row] = await rows('rep3@example.com', 'Ally Typed');
    expect(row).toMatchObject({ id, bookerName: 'Ally Typed', bookerEmail: 'alice@acme.test', personId: null });
    expect((await json(await as('rep3@example.com', `/api/bookings/${id}`))).booking).toMatchObject({ bookerName: 'Ally Typed', personId: null });
    expect(await rows('rep3@example.com', 'Alice Carter')).toEqual([]);
    const html = await page('rep3@example.com', 'q=Typed');
    expect(html).toContain('Ally Typed');
    expect(html).not.toContain('Alice Carter');

    // Their briefing names the booker as typed and carries no CRM part.
    const at = Date.parse(start) - 30 * 60_000;
    expect(await sweepBriefings(env, at)).toBeGreaterThanOrEqual(1);
    await sweepOutbox(env, at);
    const mail = await env.DB.prepare("SELECT to_address, text_body FROM email_outbox WHERE booking_id = ? AND kind = 'briefing'").bind(id).first<{ to_address: string; text_body: string }>();
    expect(mail!.to_address).toBe('rep3@example.com');
    expect(mail!.text_body).toContain('Your meeting with Ally Typed <alice@acme.test> starts soon.');
    for (const hidden of ['Lifecycle stage', 'opportunity', 'Carter expansion', 'Discovery call', 'Recent activity', 'No CRM record'])
      expect(mail!.text_body).not.toContain(hidden);

    // A no-show marks the booking; Alice's lifecycle and activities stay as they were.
    const before = await alice();
    const res = await as('rep3@example.com', `/api/bookings/${id}/attendance`, { body: { status: 'no_show' }, now: '2026-12-09T10:00:00Z' });
    expect(res.status).toBe(200);
    expect((await json(res)).booking).toMatchObject({ attendance: 'no_show', personId: null });
    const after = await alice();
    expect(after.lifecycleMeta).toEqual(before.lifecycleMeta);
    expect(after.activities).toEqual(before.activities);

    // The West manager still sees everything about Alice.
    const seen = (await json(await as('manager@example.com', '/api/persons/1'))).person;
    expect(seen).toMatchObject({ id: 1, name: 'Alice Carter', ownerId: 3, lifecycleStage: 'opportunity' });
    expect(seen.opportunities.map((o: { name: string }) => o.name)).toContain('Carter expansion');
    expect(seen.activities.length).toBeGreaterThan(0);
  });

  it('a West rep outside the owner’s scope sees the typed name; the West manager sees the CRM name and link', async () => {
    const id = await book('rosa-demo', '2026-12-10T14:00:00Z', 'A. Typist', 'alice@acme.test');
    expect(await rows('rep2@example.com', 'Typist')).toEqual([expect.objectContaining({ id, bookerName: 'A. Typist', personId: null })]);
    // (Her seat on rep2's seeded webinar, typed as "Alice Carter", still matches; this booking does not.)
    expect((await rows('rep2@example.com', 'Carter')).map((r) => r.id)).not.toContain(id);
    expect((await as('rep2@example.com', '/api/persons/1')).status).toBe(404);
    const managerRows = await rows('manager@example.com', 'Carter');
    expect(managerRows.find((r) => r.id === id)).toMatchObject({ bookerName: 'Alice Carter', personId: 1 });
    expect(await page('manager@example.com', 'q=Typist')).toContain('Alice Carter');
    expect(await page('rep2@example.com', 'q=Typist')).not.toContain('Alice Carter');
  });

  it('a new booker becomes a lead owned by the booking’s host', async () => {
    const id = await book('jonas-beratung', '2026-12-10T09:00:00Z', 'Nadia Neu', 'nadia.neu@east.test');
    const { personId } = (await json(await as('rep3@example.com', `/api/bookings/${id}`))).booking;
    expect(personId).toEqual(expect.any(Number));
    const res = await as('rep3@example.com', `/api/persons/${personId}`);
    expect(res.status).toBe(200);
    expect((await json(res)).person).toMatchObject({ email: 'nadia.neu@east.test', lifecycleStage: 'lead', ownerId: 6 });
    expect((await as('rep1@example.com', `/api/persons/${personId}`)).status).toBe(404);
    expect((await as('manager@example.com', `/api/persons/${personId}`)).status).toBe(404);
    expect((await as('admin@example.com', `/api/persons/${personId}`)).status).toBe(200);
  });
});
