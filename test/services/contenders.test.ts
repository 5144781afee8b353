import { beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_MESSAGE } from '../../src/http/booking-guard';
import { call, env, json, login, seed } from '../helpers';

// Contenders for time the host's Durable Object knows is taken are answered there, before the
// booking's reads — so before the blocklist is read. The abuse rules must still hold for every
// booking that would be accepted: a blocked booker never gets a 201, whatever the race.
const NOW = '2026-11-23T12:00:00Z';

beforeAll(async () => {
  await seed(new Date(NOW));
  const token = await login('admin@example.com');
  const put = await call('/api/blocklist', { method: 'PUT', token, body: { entries: ['*@blocked.example'] }, now: NOW });
  expect(put.status).toBe(200);
});

let seq = 0;
const book = (slug: string, start: string, email = `contender${seq++}@example.org`) =>
  call(`/api/public/pages/${slug}/bookings`, { body: { start, name: 'Con Tender', email }, now: NOW });
const trips = (r: Response) => Number(r.headers.get('x-d1-round-trips'));

async function freeStarts(slug: string, day: string) {
  const r = await call(`/api/public/pages/${slug}/slots?from=${day}T00:00:00Z&to=${day}T23:59:00Z`, { now: NOW });
  expect(r.status).toBe(200);
  return (await json(r)).slots.map((s: { start: string }) => s.start) as string[];
}

const written = async (email: string) =>
  (await env.DB.batch([
    env.DB.prepare('SELECT COUNT(*) n FROM bookings WHERE booker_email = ?').bind(email),
    env.DB.prepare('SELECT COUNT(*) n FROM email_outbox WHERE to_address = ?').bind(email),
    env.DB.prepare('SELECT COUNT(*) n FROM persons WHERE email = ?').bind(email),
  ])).map((r) => (r.results[0] as { n: number }).n);
const recorded = async (email: string) =>
  (await env.DB.prepare('SELECT COUNT(*) n FROM blocked_attempts WHERE email = ?').bind(email).first<{ n: number }>())!.n;

describe('contenders answered in the host’s object', () => {
  it('a blocked booker asking for a free start gets the neutral 403, recorded for admins, and nothing else is written', async () => {
    const [start] = await freeStarts('rosa-demo', '2026-12-14');
    const r = await book('rosa-demo', start, 'spammer@blocked.example');
    expect(r.status).toBe(403);
    expect(await json(r)).toEqual({ error: { code: 'forbidden', message: BLOCKED_MESSAGE } });
    expect(await written('spammer@blocked.example')).toEqual([0, 0, 0]);
    expect(await recorded('spammer@blocked.example')).toBe(1);
    // The time is still free for anyone else.
    expect((await book('rosa-demo', start)).status).toBe(201);
  });

  it('a blocked booker contending for taken time gets the 409 anyone gets, without a D1 round trip, and no booking', async () => {
    const [start] = await freeStarts('rosa-demo', '2026-12-15');
    expect((await book('rosa-demo', start)).status).toBe(201);
    const r = await book('rosa-demo', start, 'taken@blocked.example');
    expect(r.status).toBe(409);
    expect((await json(r)).error.code).toBe('already_booked');
    expect(trips(r)).toBe(0);
    expect(await written('taken@blocked.example')).toEqual([0, 0, 0]);
  });

  it('blocked bookers racing others for one free start never get the 201; exactly one booker does', async () => {
    const [start] = await freeStarts('rosa-demo', '2026-12-16');
    const emails = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? `racer${i}@blocked.example` : `racer${i}@example.org`));
    const answers = await Promise.all(emails.map((email) => book('rosa-demo', start, email).then((r) => r.status)));
    expect(answers.filter((s) => s === 201)).toHaveLength(1);
    expect(answers.every((s) => s === 201 || s === 409 || s === 403)).toBe(true);
    emails.forEach((email, i) => {
      if (email.endsWith('@blocked.example')) expect(answers[i]).not.toBe(201);
    });
    const booked = await env.DB.prepare("SELECT booker_email FROM bookings WHERE page_id = (SELECT id FROM scheduling_pages WHERE slug = 'rosa-demo') AND start_at = ? AND status = 'confirmed'")
      .bind(Date.parse(start))
      .all<{ booker_email: string }>();
    expect(booked.results).toHaveLength(1);
    expect(booked.results[0].booker_email).not.toMatch(/@blocked\.example$/);
  });

  it('contenders racing for one start: one 201, every other answer a 409 made without D1 once the winner committed', async () => {
    const [start] = await freeStarts('jonas-beratung', '2026-12-17');
    const answers = await Promise.all(Array.from({ length: 20 }, () => book('jonas-beratung', start)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    // The losers waited for the winner's commit in the object's queue and were refused there.
    const losers = answers.filter((r) => r.status === 409);
    expect(losers.every((r) => trips(r) === 0)).toBe(true);
  });

  it('a booker over their email limit gets the 429 before any D1 read; contending for taken time they get the 409, uncounted', { timeout: 60_000 }, async () => {
    const starts = (await Promise.all(['2026-12-21', '2026-12-22', '2026-12-23'].map((day) => freeStarts('rosa-demo', day)))).flat();
    expect(starts.length).toBeGreaterThan(25);
    const email = `eager-${crypto.randomUUID().slice(0, 8)}@example.org`;
    expect((await book('rosa-demo', starts[0], 'first@example.org')).status).toBe(201);
    let limited: Response | undefined;
    for (let i = 1; i < 25 && !limited; i++) {
      const r = await book('rosa-demo', starts[i], email);
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(201);
    }
    expect(limited, 'the email limit').toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(limited!)).error.code).toBe('rate_limited');
    expect(trips(limited!)).toBe(0);
    // Taken time is answered by the object before the limits are counted (its view survived the 429).
    const taken = await book('rosa-demo', starts[0], email);
    expect(taken.status).toBe(409);
    expect(trips(taken)).toBe(0);
  });

  it('a start that is no slot still gets its 400, even where the object holds a meeting', async () => {
    const [start] = await freeStarts('rosa-demo', '2026-12-18');
    expect((await book('rosa-demo', start)).status).toBe(201);
    const off = new Date(Date.parse(start) + 7 * 60_000).toISOString();
    const r = await book('rosa-demo', off);
    expect(r.status).toBe(400);
  });
});

describe('abuse limits count a booking once', () => {
  it('a booking retried because the page changed under it counts once on the email limit (10 a minute)', async () => {
    const starts = [...(await freeStarts('rosa-demo', '2026-12-09')), ...(await freeStarts('rosa-demo', '2026-12-10'))];
    expect(starts.length).toBeGreaterThanOrEqual(6);
    for (const [i, start] of starts.slice(0, 6).entries()) {
      // Each booking finds the page this isolate kept out of date, and tries again with it.
      await env.DB.prepare('UPDATE scheduling_pages SET description = ? WHERE slug = ?').bind(`changed ${i}`, 'rosa-demo').run();
      const r = await book('rosa-demo', start, 'twice@example.org');
      expect(r.status, await r.clone().text()).toBe(201);
    }
  });
});
