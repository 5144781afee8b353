import { vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { call, env, json, login } from '../helpers';

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'network-error' | 'hang';
export type Received = { url: string; headers: Record<string, string>; body: string; at: number };

/**
 * A webhook receiver behind an intercepted global fetch: requests under `base` are answered
 * from the script (one entry per call, the last repeating); any other outbound fetch is refused.
 */
export function receiver(base: string, script: Answer[] = [{ status: 200, body: 'ok' }]) {
  const calls: Received[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(base)) throw new Error(`unexpected outbound fetch to ${request.url}`);
    if (request.redirect !== 'manual') throw new Error('webhooks must not follow redirects');
    calls.push({ url: request.url, headers: Object.fromEntries(request.headers), body: await request.text(), at: Date.now() });
    const step = script[Math.min(calls.length - 1, script.length - 1)];
    if (step === 'network-error') throw new TypeError('fetch failed');
    if (step === 'hang')
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
      });
    return new Response(step.body ?? '', { status: step.status, headers: step.headers });
  });
  return { calls, restore: () => spy.mockRestore() };
}

/**
 * The official verifier's answer for one received call. It checks the timestamp against its
 * clock, so the clock is set to the attempt's time (tests run at X-Test-Now instants).
 */
export function verify(secret: string, received: Received): unknown {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Number(received.headers['webhook-timestamp']) * 1000 + 1000);
    return new Webhook(secret).verify(received.body, received.headers);
  } finally {
    vi.useRealTimers();
  }
}

/** Creates an endpoint through the API as `email`; returns its JSON and secret. */
export async function createEndpoint(email: string, body: Record<string, unknown>, now?: string) {
  const res = await call('/api/webhooks', { token: await login(email), body, now });
  if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${await res.text()}`);
  return json<{ webhook: { id: string; url: string; events: string[]; ownerId: number | null; active: boolean }; secret: string }>(res);
}

export type DeliveryRow = { id: string; endpoint_id: string; event_type: string; booking_id: string | null; status: string; attempts: number; next_attempt_at: number | null; due_at: number; payload: string | null; reason: string | null; workflow_id: number | null };

export const deliveriesOf = async (endpointId: string) =>
  (await env.DB.prepare('SELECT * FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at, rowid').bind(endpointId).all<DeliveryRow>()).results;

export const deliveryRow = async (id: string) => (await env.DB.prepare('SELECT * FROM webhook_deliveries WHERE id = ?').bind(id).first<DeliveryRow>())!;

export const attemptsOf = async (id: string) =>
  (await env.DB.prepare('SELECT at, status, duration_ms, response FROM webhook_attempts WHERE delivery_id = ? ORDER BY at, id').bind(id).all<{ at: number; status: number | null; duration_ms: number; response: string | null }>()).results;

/** Waits until the background send (waitUntil after the commit) has made `n` calls. */
export async function untilCalls(calls: unknown[], n: number, waitMs = 2_000) {
  for (let i = 0; i < waitMs / 10 && calls.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  // Let the attempt be recorded after its answer.
  await new Promise((r) => setTimeout(r, 30));
}
