/**
 * Standard Webhooks 1.0 signatures, made by the reference `standardwebhooks` package (pure JS,
 * so it runs in workerd as it does in Node): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
 * keyed with the secret's bytes (the base64 after `whsec_`).
 */
import { Webhook } from 'standardwebhooks';
import type { WebhookEndpoint } from '../db/schema';

/** `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The secrets that sign at `now`: the current one, and the previous one within its rotation window. */
export function signingSecrets(endpoint: Pick<WebhookEndpoint, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: number): string[] {
  const previous = endpoint.previousSecret && (endpoint.previousSecretExpiresAt ?? 0) > now ? [endpoint.previousSecret] : [];
  return [endpoint.secret, ...previous];
}

/** The three headers of one attempt; several secrets give space-separated signatures. */
export function signedHeaders(secrets: string[], id: string, now: number, body: string): Record<string, string> {
  const timestamp = new Date(Math.floor(now / 1000) * 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, timestamp, body)).join(' '),
  };
}
