/**
 * Whether a workflow may name a webhook endpoint (SPEC 11/12): one the caller may manage
 * (admins: any; others: their own), not deleted — the webhooks engine's own rule.
 */
import type { Bindings } from '../env';
import type { SessionUser } from '../domain/permissions';
import { getDb } from '../db/client';
import { loadManagedEndpoint } from '../db/webhooks';

export async function webhookProblem(env: Bindings, user: SessionUser, webhookId: string): Promise<string | null> {
  return (await loadManagedEndpoint(getDb(env.DB), user, webhookId)) ? null : 'Pick one of your webhook endpoints';
}
