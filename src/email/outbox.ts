import type { Db } from '../db/client';
import { outbox } from '../db/schema';
import type { EmailKind, RenderedEmail } from './templates';

export type OutboxEmail = {
  bookingId: string | null;
  kind: EmailKind;
  to: string;
  email: RenderedEmail;
  ics?: { method: 'REQUEST' | 'CANCEL'; content: string };
};

/** The insert that queues one email; callers put it in the same batch as the state change. */
export function queueEmail(db: Db, e: OutboxEmail, now: number) {
  const id = crypto.randomUUID();
  return {
    id,
    statement: db.insert(outbox).values({
      id,
      bookingId: e.bookingId,
      kind: e.kind,
      toAddress: e.to,
      subject: e.email.subject,
      html: e.email.html,
      textBody: e.email.text,
      icsMethod: e.ics?.method ?? null,
      ics: e.ics?.content ?? null,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    }),
  };
}
