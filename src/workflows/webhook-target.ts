/**
 * Whether a workflow may name a webhook endpoint (SPEC 11/12): one the caller may use (admins:
 * any; others: their own) that is not deleted. Read as plain SQL on webhook_endpoints
 * (migration 0016, the webhooks engine's table); where that table does not exist yet, webhook
 * actions are refused with the reason.
 */
import type { Bindings } from '../env';
import type { SessionUser } from '../domain/permissions';

export async function webhookProblem(env: Bindings, user: SessionUser, webhookId: string): Promise<string | null> {
  const table = await env.DB.prepare(`SELECT 1 AS ok FROM sqlite_master WHERE type = 'table' AND name = 'webhook_endpoints'`).first();
  if (!table) return 'Webhook actions need a webhook endpoint, and webhooks are not set up yet';
  const endpoint = await env.DB.prepare(`SELECT owner_id FROM webhook_endpoints WHERE id = ?1 AND deleted_at IS NULL`)
    .bind(webhookId)
    .first<{ owner_id: number | null }>();
  if (!endpoint || (user.role !== 'admin' && endpoint.owner_id !== user.id)) return 'Pick one of your webhook endpoints';
  return null;
}
