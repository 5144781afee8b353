import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { env, freshClientIp, json, seed } from '../helpers';

// A booking's emails, workflow messages and webhooks go out after its answer (waitUntil). The
// answer must not wait on them: their first D1 call comes on a later turn, after the response is
// in the booker's hands (under wrangler dev D1 shares the worker's thread, and at the edge every
// call made before the answer is a round trip the booker waits for).
const NOW = '2026-11-23T12:00:00Z';

beforeAll(() => seed(new Date(NOW)));

/** The D1 binding with every statement's SQL noted as it is sent (prepare → run/all/first/raw, or batch). */
function recordingD1(d1: D1Database, sent: string[]): D1Database {
  const queries = new WeakMap<object, string>();
  const wrapStatement = (stmt: D1PreparedStatement, query: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, key) {
        if (key === 'bind') return (...values: unknown[]) => wrapStatement(target.bind(...values), query);
        if (key === 'run' || key === 'all' || key === 'first' || key === 'raw')
          return (...args: unknown[]) => {
            sent.push(query);
            return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
          };
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    queries.set(proxy, query);
    return proxy;
  };
  const wrap = (client: D1Database | D1DatabaseSession): D1Database =>
    new Proxy(client, {
      get(target, key) {
        if (key === 'prepare') return (query: string) => wrapStatement(target.prepare(query), query);
        if (key === 'batch')
          return (statements: D1PreparedStatement[]) => {
            sent.push(...statements.map((s) => queries.get(s) ?? '?'));
            return target.batch(statements);
          };
        if (key === 'withSession') return (c?: string) => wrap((target as D1Database).withSession(c));
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as D1Database;
  return wrap(d1);
}

describe('after a booking commits', () => {
  it('its sends start only after the answer: no outbox or webhook D1 call before the 201, and the emails still go out', async () => {
    const sent: string[] = [];
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

    const res = await app.fetch(request(starts[0], 1), { ...env, DB: recordingD1(env.DB, sent) }, ctx);
    expect(res.status).toBe(201);
    const beforeAnswer = [...sent];
    expect(beforeAnswer.filter((q) => /email_outbox|webhook_deliver/i.test(q)), 'sends before the answer').toEqual([]);

    await Promise.all(pending);
    expect(sent.length).toBeGreaterThan(beforeAnswer.length);
    expect(sent.some((q) => /email_outbox/i.test(q)), 'the emails were sent after it').toBe(true);
    const { booking } = await json(res);
    const row = await env.DB.prepare('SELECT email_status FROM bookings WHERE id = ?').bind(booking.id).first<{ email_status: string }>();
    expect(row?.email_status).toBe('sent');
  });
});
