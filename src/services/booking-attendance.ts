/**
 * Mark attended / no-show (SPEC 4, 15): the statements of one booking's mark, shared by the
 * single-booking route and the bulk action so both follow exactly the same rules.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bookingAttendees, bookings, persons } from '../db/schema';
import type { BookingRecord } from '../db/bookings';
import { d1Statement } from '../db/batch';
import { bookingEventStatements } from './booking-events';

export type Attendance = 'attended' | 'no_show';

const attendanceIs = (column: typeof bookings.attendance | typeof bookingAttendees.attendance, value: Attendance | null) =>
  value === null ? isNull(column) : eq(column, value);

type Mark = { status: Attendance; now: number; title: string; bookingId: string };

/**
 * A person's lifecycle counts and activity for one attendance change from `previous`, to run
 * right after the statement that records the mark: both move only if that update took
 * (changes() = 1), so a repeated or racing request cannot count twice. Nothing for a booker
 * without a person the user may see.
 */
function lifecycleStatements(d1: D1Database, db: Db, personId: number | null, previous: Attendance | null, mark: Mark): D1PreparedStatement[] {
  if (personId === null) return [];
  const count = (key: 'attendedCount' | 'noShowCount') => sql`COALESCE(json_extract(${persons.lifecycleMeta}, '$.${sql.raw(key)}'), 0)`;
  const noShow = mark.status === 'no_show';
  const meta = noShow
    ? sql`json_set(${persons.lifecycleMeta}, '$.noShowCount', ${count('noShowCount')} + 1, '$.lastNoShowAt', ${new Date(mark.now).toISOString()}, '$.attendedCount', MAX(0, ${count('attendedCount')} - ${previous === 'attended' ? 1 : 0}))`
    : sql`json_set(${persons.lifecycleMeta}, '$.attendedCount', ${count('attendedCount')} + 1, '$.noShowCount', MAX(0, ${count('noShowCount')} - ${previous === 'no_show' ? 1 : 0}))`;
  return [
    d1Statement(d1, db.update(persons).set({ lifecycleMeta: meta as never }).where(and(eq(persons.id, personId), sql`changes() = 1`))),
    d1Statement(
      d1,
      sql`INSERT INTO activities (person_id, kind, summary, booking_id, occurred_at)
        SELECT ${personId}, ${noShow ? 'no_show' : 'attended'}, ${`${noShow ? 'No-show' : 'Attended'}: ${mark.title}`}, ${mark.bookingId}, ${mark.now}
        WHERE changes() = 1`,
    ),
  ];
}

/**
 * The statements that mark `record` (a viewer's record: CRM links only where visible), to run
 * as one batch; empty when nothing changes (repeating a mark is a no-op). A group occurrence
 * marks one attendee (`attendeeId`) or every current one; `attendee_not_found` when the named
 * attendee is not on it.
 */
export function attendanceStatements(
  d1: D1Database,
  db: Db,
  record: BookingRecord,
  status: Attendance,
  attendeeId: string | undefined,
  now: number,
): D1PreparedStatement[] | 'attendee_not_found' {
  const id = record.booking.id;
  const mark = { status, now, title: record.page.title, bookingId: id };
  const statements: D1PreparedStatement[] = [];
  if (record.attendees) {
    const targets = attendeeId === undefined ? record.attendees : record.attendees.filter((a) => a.id === attendeeId);
    if (targets.length === 0) return 'attendee_not_found';
    for (const a of targets) {
      if (a.attendance === status) continue;
      const seat = and(eq(bookingAttendees.id, a.id), eq(bookingAttendees.bookingId, id), eq(bookingAttendees.status, 'confirmed'), attendanceIs(bookingAttendees.attendance, a.attendance));
      statements.push(d1Statement(d1, db.update(bookingAttendees).set({ attendance: status }).where(seat)), ...lifecycleStatements(d1, db, a.personId, a.attendance, mark));
    }
    // The occurrence's own mark: its attendees' when they all agree.
    if (statements.length) {
      const attendeeIds = targets.filter((a) => a.attendance !== status).map((a) => a.id);
      statements.push(
        d1Statement(
          d1,
          sql`UPDATE bookings SET attendance = (SELECT CASE WHEN COUNT(*) = COUNT(attendance) AND COUNT(DISTINCT attendance) = 1 THEN MAX(attendance) END
            FROM booking_attendees WHERE booking_id = ${id} AND status = 'confirmed'), updated_at = ${now} WHERE id = ${id}`,
        ),
        ...bookingEventStatements({ type: 'booking.attendance_marked', bookingId: id, attendance: status, attendeeIds, now }).map((q) => d1Statement(d1, q)),
      );
    }
    return statements;
  }
  if (attendeeId !== undefined) return 'attendee_not_found';
  const previous = record.booking.attendance;
  if (previous === status) return statements;
  const row = and(eq(bookings.id, id), attendanceIs(bookings.attendance, previous));
  return [
    d1Statement(d1, db.update(bookings).set({ attendance: status, updatedAt: now }).where(row)),
    // personId is null when the person is outside the user's CRM visibility (SPEC 15).
    ...lifecycleStatements(d1, db, record.booking.personId, previous, mark),
    ...bookingEventStatements({ type: 'booking.attendance_marked', bookingId: id, attendance: status, now }).map((q) => d1Statement(d1, q)),
  ];
}
