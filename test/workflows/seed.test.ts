/** `npm run dev`'s demo pages start with the default workflows a new page gets (SPEC 11). */
import { describe, expect, it } from 'vitest';
import { SEED_DEFAULT_WORKFLOWS, seedStatements } from '../../src/db/seed';
import { DEFAULT_WORKFLOWS } from '../../src/workflows/defaults';
import { call, env, json, login } from '../helpers';

const now = new Date('2026-11-23T12:00:00Z');
const run = async () => {
  const statements = await seedStatements({ environment: 'development', now });
  await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
};

describe('the development seed and workflows', () => {
  it('gives every seeded page the defaults, once however often it runs', async () => {
    await run();
    await run();
    const pages = (await env.DB.prepare('SELECT id FROM scheduling_pages ORDER BY id').all<{ id: number }>()).results;
    expect(pages.length).toBeGreaterThan(0);
    const rows = (
      await env.DB.prepare('SELECT page_id, name, trigger, offset_minutes, action, active, subject, body, webhook_id FROM workflows ORDER BY page_id, id').all()
    ).results;
    expect(rows).toEqual(
      pages.flatMap((p) =>
        DEFAULT_WORKFLOWS.map((w) => ({ page_id: p.id, name: w.name, trigger: w.trigger, offset_minutes: w.offsetMinutes, action: w.action, active: w.active ? 1 : 0, subject: null, body: null, webhook_id: null })),
      ),
    );
  });

  it('its copy of the defaults is the one new pages get', () => {
    expect(SEED_DEFAULT_WORKFLOWS).toEqual(DEFAULT_WORKFLOWS);
  });

  it('a seeded page lists them through the API, the reminders on and the follow-up off', async () => {
    const res = await call('/api/scheduling-pages/1/workflows', { token: await login('admin@example.com'), now });
    expect(res.status).toBe(200);
    expect((await json(res)).workflows.map((w: any) => [w.name, w.active])).toEqual([
      ['Reminder 24 hours before', true],
      ['Reminder 1 hour before', true],
      ['We missed you', false],
    ]);
  });
});
