/** The booker as the CRM and a group occurrence know them: their person row and their seat. */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bookingAttendees, persons } from '../../db/schema';
import { storeManageToken } from '../../db/manage-tokens';
import type { Booker, BookJob } from './types';

/**
 * The CRM person of a booker's email, created as a lead owned by the booking's assigned host
 * (CRM visibility follows the owner). An existing person keeps their owner and details.
 */
export function upsertPerson(db: Db, booker: Pick<Booker, 'email' | 'name' | 'phone'>, ownerId: number, now: number) {
  return db
    .insert(persons)
    .values({ email: booker.email, name: booker.name, phone: booker.phone, lifecycleStage: 'lead', ownerId, createdAt: now })
    .onConflictDoNothing({ target: persons.email });
}

export const personIdByEmail = (email: string) => sql`(SELECT id FROM persons WHERE email = ${email})`;

/** A group booker's seat. */
function seatInsert(db: Db, id: string, bookingId: string, job: BookJob) {
  const b = job.booker;
  return db.insert(bookingAttendees).values({
    id,
    bookingId,
    name: b.name,
    email: b.email,
    phone: b.phone,
    timezone: b.timezone,
    locale: b.locale,
    notes: b.notes,
    answers: b.answers,
    personId: personIdByEmail(b.email) as unknown as number,
    createdAt: job.now,
  });
}

/** A group booker's seat with the manage token the booking request made for them. */
export const seatStatements = (db: Db, id: string, bookingId: string, job: BookJob) => [
  seatInsert(db, id, bookingId, job),
  storeManageToken(db, job.tokenHash, { attendeeId: id }, job.now),
];
