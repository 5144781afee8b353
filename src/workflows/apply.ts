/**
 * `applyToExisting` (SPEC 11): a workflow saved with it is scheduled for the page's upcoming
 * confirmed bookings in the same batch as the save. The bookings are cut into start-time
 * ranges of at most CHUNK each, so every statement stays small (a few bound parameters, a
 * bounded number of rows) and a page with 10,000 upcoming bookings needs a handful of
 * statements, far inside D1's 1,000 per invocation.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queueStatements } from '../db/workflows';
import { isTimedTrigger, type WorkflowAction, type WorkflowTrigger } from '../domain/workflows';
import { timedDeliveriesForPageStatement } from '../webhooks/workflow-action';

export const APPLY_CHUNK = 2_000;
/** With four recipient kinds per range this stays well below D1's 1,000 statements. */
const MAX_RANGES = 200;

/**
 * The start times that end each range (every CHUNK-th upcoming booking, in start order), read
 * on bookings_page_status_start_idx. The last range is open-ended.
 */
export async function upcomingRanges(d1: D1Database, pageId: number, now: number): Promise<number[]> {
  const { results } = await d1
    .prepare(
      `SELECT start_at FROM (SELECT start_at, row_number() OVER (ORDER BY start_at) AS n FROM bookings
        WHERE page_id = ?1 AND status = 'confirmed' AND start_at > ?2) WHERE n % ?3 = 0 LIMIT ?4`,
    )
    .bind(pageId, now, APPLY_CHUNK, MAX_RANGES)
    .all<{ start_at: number }>();
  return results.map((r) => r.start_at);
}

/** Only timed and attendance-free triggers make sense for bookings already made: the timed ones. */
export const appliesToExisting = (trigger: WorkflowTrigger) => isTimedTrigger(trigger);

/** The statements that queue `workflow` (an SQL expression of its id) for the page's upcoming bookings. */
export function applyStatements(pageId: number, workflow: SQL, trigger: WorkflowTrigger, now: number, bounds: number[]): SQL[] {
  if (!appliesToExisting(trigger)) return [];
  const edges = [now, ...bounds];
  return edges.flatMap((from, i) => {
    const to = edges[i + 1];
    const range = to === undefined ? sql`b.start_at > ${from}` : sql`b.start_at > ${from} AND b.start_at <= ${to}`;
    return queueStatements({
      bookings: sql`b.page_id = ${pageId} AND b.status = 'confirmed' AND ${range}`,
      workflows: sql`w.id = ${workflow}`,
      triggers: [trigger],
      now,
      skipReason: 'Not sent: the workflow was added after this message was due',
    });
  });
}

/**
 * What saving `workflow` with applyToExisting queues, to run in the save's batch: email
 * messages in ranges (above); a webhook action's timed deliveries through the webhooks engine,
 * one statement of a few bound values whatever the number of bookings.
 */
export async function applyToExistingStatements(d1: D1Database, pageId: number, workflow: SQL, trigger: WorkflowTrigger, action: WorkflowAction, now: number): Promise<SQL[]> {
  if (!appliesToExisting(trigger)) return [];
  // The engine takes a number; a new workflow's id is only known inside the batch, as SQL (bound alike).
  if (action === 'webhook') return [timedDeliveriesForPageStatement(workflow as unknown as number, now)];
  return applyStatements(pageId, workflow, trigger, now, await upcomingRanges(d1, pageId, now));
}
