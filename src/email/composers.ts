/**
 * Kind → composer: the outbox rows queued without a body (briefings, workflow messages) are
 * composed here at their first attempt, from what is true then. Delivery knows no kinds: it
 * asks this registry, so a new kind of message is a new entry, not a new branch there.
 */
import type { Bindings } from '../env';
import type { Db } from '../db/client';
import type { outbox } from '../db/schema';
import type { RenderedEmail } from './templates';
import { composeBriefings } from '../briefing/compose';
import { composeWorkflowMessages } from '../workflows/compose';
import { WORKFLOW_KIND } from '../db/workflows';

/** What a composer gets of a claimed row (delivery reads no bodies before composing). */
type Row = Pick<typeof outbox.$inferSelect, 'id' | 'bookingId' | 'kind' | 'toAddress'>;
export type Composed = { kind: 'ready'; email: RenderedEmail } | { kind: 'skip'; reason: string };
export type ComposeContext = { env: Bindings; db: Db; origin: string; now: number };
/**
 * Composes rows of one kind: each row's mail or why it is skipped, and the statements the mail
 * depends on (a manage token it links to), which delivery commits before anything is sent.
 */
export type Composer = (ctx: ComposeContext, rows: Row[]) => Promise<{ results: Map<string, Composed>; statements: D1PreparedStatement[] }>;

export const COMPOSERS: Record<string, Composer> = {
  briefing: async (ctx, rows) => ({
    // Per recipient: the CRM part depends on what that host may see.
    results: await composeBriefings(ctx.db, rows.map((r) => ({ id: r.id, bookingId: r.bookingId!, to: r.toAddress })), ctx.origin, ctx.now),
    statements: [],
  }),
  [WORKFLOW_KIND]: (ctx, rows) => composeWorkflowMessages(ctx.env, rows.map((r) => r.id), ctx.now),
};

/** Whether a row still needs its body: a composed kind not composed by an earlier attempt. */
export const needsComposing = (row: Row & { textBody: string }) => row.kind in COMPOSERS && row.textBody === '';
