import { vi } from 'vitest';

export type FakeResponse = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error' | 'hang';

/**
 * A Resend-shaped fake behind an intercepted global fetch: only requests to `base` are
 * answered from the script (one entry per call, the last repeating); anything else is refused.
 */
export function fakeResend(base: string, script: FakeResponse[]) {
  const calls: { url: string; idempotencyKey: string | null; body: any; at: number }[] = [];
  const delivered = new Set<string>();
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(base)) throw new Error(`unexpected outbound fetch to ${request.url}`);
    const body = await request.json();
    const idempotencyKey = request.headers.get('idempotency-key');
    calls.push({ url: request.url, idempotencyKey, body, at: Date.now() });
    const step = script[Math.min(calls.length - 1, script.length - 1)];
    if (step === 'network-error') throw new TypeError('fetch failed');
    // Never answers: only the caller's abort signal (its timeout) ends the request.
    if (step === 'hang')
      return new Promise<Response>((_, reject) => {
        if (!request.signal) return;
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
      });
    if (step.status === 200 && idempotencyKey) delivered.add(idempotencyKey);
    return new Response(JSON.stringify(step.body ?? (step.status === 200 ? { id: `msg_${calls.length}` } : { statusCode: step.status, name: 'error', message: `fake ${step.status}` })), {
      status: step.status,
      headers: { 'content-type': 'application/json', ...step.headers },
    });
  });
  return { calls, delivered, restore: () => spy.mockRestore() };
}
