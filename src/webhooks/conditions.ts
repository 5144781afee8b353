/** SQL conditions the webhook statements share. */
import { sql, type SQL } from 'drizzle-orm';

/**
 * The endpoint owner (column `owner`) may see booking `bookingId`: their role's view scope
 * covers a host of it (own: they host it; team: a host is in their team; all).
 */
export function ownerMaySee(owner: SQL, bookingId: SQL | string): SQL {
  return sql`EXISTS (SELECT 1 FROM users ou JOIN roles orl ON orl.name = ou.role WHERE ou.id = ${owner} AND (
    orl.view_scope = 'all'
    OR (orl.view_scope = 'own' AND EXISTS (SELECT 1 FROM booking_hosts obh WHERE obh.booking_id = ${bookingId} AND obh.user_id = ou.id))
    OR (orl.view_scope = 'team' AND EXISTS (SELECT 1 FROM booking_hosts obh JOIN users ohu ON ohu.id = obh.user_id
      WHERE obh.booking_id = ${bookingId} AND ohu.team_id = ou.team_id))))`;
}

/**
 * The change happened in this batch: its booking row carries the change's time. A no-op (an
 * attendance mark another request made first) queues nothing.
 */
export const changedNow = (bookingId: SQL | string, now: number) => sql`EXISTS (SELECT 1 FROM bookings cb WHERE cb.id = ${bookingId} AND cb.updated_at = ${now})`;
