/**
 * Optional Cloudflare Turnstile on the booking form (SPEC 14). Without TURNSTILE_SECRET_KEY there
 * is no challenge; with it, a booking carries the widget's token, checked at siteverify
 * (TURNSTILE_BASE_URL, so tests can point it at a fake).
 */
import type { Bindings } from '../env';

export const turnstileEnabled = (env: Pick<Bindings, 'TURNSTILE_SECRET_KEY'>) => Boolean(env.TURNSTILE_SECRET_KEY);

/** The widget's site key, only when the check is on (a widget without the secret checks nothing). */
export const turnstileSiteKey = (env: Partial<Pick<Bindings, 'TURNSTILE_SECRET_KEY' | 'TURNSTILE_SITE_KEY'>>) =>
  (turnstileEnabled(env) && env.TURNSTILE_SITE_KEY) || undefined;

export const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com';
export const TURNSTILE_SCRIPT = `${TURNSTILE_ORIGIN}/turnstile/v0/api.js`;

/** Our strict CSP plus what the widget needs (Cloudflare's CSP reference): its script and its frame. */
export function allowTurnstile(csp: string): string {
  const directives = csp.split(';').map((d) => d.trim()).filter(Boolean);
  const add = (name: string) => {
    const i = directives.findIndex((d) => d.split(/\s+/)[0] === name);
    if (i === -1) directives.push(`${name} 'self' ${TURNSTILE_ORIGIN}`);
    else if (!directives[i].includes(TURNSTILE_ORIGIN)) directives[i] += ` ${TURNSTILE_ORIGIN}`;
  };
  add('script-src');
  add('frame-src');
  return directives.join('; ');
}

const VERIFY_TIMEOUT_MS = 5_000;

/**
 * True only when siteverify says the token is good. An unreachable or garbled siteverify counts
 * as a failure: the booker may simply try again, a bot gets no way around the check.
 */
export async function verifyTurnstile(env: Bindings, token: string, clientIp: string): Promise<boolean> {
  try {
    const res = await fetch(`${env.TURNSTILE_BASE_URL}/turnstile/v0/siteverify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: env.TURNSTILE_SECRET_KEY, response: token, ...(clientIp === 'unknown' ? {} : { remoteip: clientIp }) }),
      signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
    });
    if (!res.ok) return false;
    const outcome = (await res.json()) as { success?: unknown };
    return outcome.success === true;
  } catch (err) {
    console.error('turnstile siteverify failed', err);
    return false;
  }
}
