import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { env, freshClientIp, json, seed } from '../helpers';
import { recordingD1 } from '../d1-recorder';

// A booking's emails, workflow messages and webhooks go out after its answer (waitUntil). The
// answer must not wait on them: their first D1 call comes on a later turn, after the response has
// been handed back (under wrangler dev, local D1 works on the worker's thread, and those calls
// held the answer back).
const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

describe('after a booking commits', () => {
  it('its sends start only after the answer: no outbox or webhook D1 call before the 201, and the emails still go out', async () => {
    const { db, calls } = recordingD1(env.DB);
    const sent = () => calls.flatMap((c) => c.sql);
    const pending: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const request = (start: string, i: number) =>
      new Request('http://localhost:8787/api/public/pages/rosa-demo/bookings', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test-now': NOW, 'x-test-client-ip': freshClientIp() },
        body: JSON.stringify({ start, name: `After ${i}`, email: `after${i}@example.org` }),
      });
    const slots = await app.fetch(new Request(`http://localhost:8787/api/public/pages/rosa-demo/slots?from=2026-12-08T00:00:00Z&to=2026-12-08T23:59:00Z`, { headers: { 'x-test-now': NOW } }), env);
    const starts = (await json(slots)).slots.map((s: { start: string }) => s.start) as string[];
    expect(starts.length).toBeGreaterThan(1);

    const res = await app.fetch(request(starts[0], 1), { ...env, DB: db }, ctx);
    expect(res.status).toBe(201);
    const beforeAnswer = sent();
    expect(beforeAnswer.filter((q) => /email_outbox|webhook_deliver/i.test(q)), 'sends before the answer').toEqual([]);

    await Promise.all(pending);
    expect(sent().length).toBeGreaterThan(beforeAnswer.length);
    expect(sent().some((q) => /email_outbox/i.test(q)), 'the emails were sent after it').toBe(true);
    const { booking } = await json(res);
    const row = await env.DB.prepare('SELECT email_status FROM bookings WHERE id = ?').bind(booking.id).first<{ email_status: string }>();
    expect(row?.email_status).toBe('sent');
  });
});
