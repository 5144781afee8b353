import { env, exports } from 'cloudflare:workers';
import { seedStatements } from '../src/db/seed';

export const ORIGIN = 'http://localhost:8787';

let seeded: Promise<void> | null = null;

/** Runs the dev seed (the same SQL as npm run db:setup) once per test file's storage. */
export function seed(now = new Date()): Promise<void> {
  seeded ??= (async () => {
    const statements = await seedStatements({ environment: 'test', now });
    await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
  })();
  return seeded;
}

type Call = { method?: string; token?: string; body?: unknown; rawBody?: string; now?: Date | string; headers?: Record<string, string>; redirect?: 'follow' | 'manual' };

// Abuse limits count per client IP: unless a test names its own (X-Test-Client-IP), every call
// comes from an address of its own, so suites that book many times meet no limit by accident.
// Random per file: the limiters' counters outlive a test file's storage.
const ipBase = crypto.getRandomValues(new Uint8Array(1))[0];
let ipSeq = 0;
export const freshClientIp = () => {
  const n = ipSeq++;
  return `10.${ipBase}.${(n >> 8) & 255}.${n & 255}`;
};

export async function call(path: string, opts: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'x-test-client-ip')) headers['x-test-client-ip'] = freshClientIp();
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  if (opts.now) headers['x-test-now'] = typeof opts.now === 'string' ? opts.now : opts.now.toISOString();
  const request = new Request(`${ORIGIN}${path}`, {
    method: opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? 'POST' : 'GET'),
    headers,
    body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
    redirect: opts.redirect ?? 'follow',
  });
  return (exports as unknown as { default: { fetch: (r: Request) => Promise<Response> } }).default.fetch(request);
}

export async function json<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

const tokens = new Map<string, string>();

export async function login(email: string): Promise<string> {
  let token = tokens.get(email);
  if (!token) {
    const res = await call('/api/auth/login', { body: { email, password: 'demo-password' } });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
    token = (await json(res)).token as string;
    tokens.set(email, token);
  }
  return token;
}

export { env };
