/**
 * What a booking change sets off besides its own emails: workflow messages (SPEC 11) and
 * webhook deliveries (SPEC 12). Each change appends these statements to its own batch
 * (invariant 3), so they exist exactly when the change does. They are plain SQL that reads
 * what the batch has just written (INSERT … SELECT), never an extra round trip before it.
 */
import type { SQL } from 'drizzle-orm';
import { workflowStatements } from '../workflows/effects';
import { webhookStatements } from '../webhooks/effects';

export type BookingEvent =
  /** A new booking, or a seat taken on a group occurrence (`attendeeId`). */
  | { type: 'booking.created'; bookingId: string; attendeeId?: string; now: number }
  /** The meeting moved: `bookingId` is the new occurrence, `fromBookingId` the old one. A group seat moving alone names `attendeeId`. */
  | { type: 'booking.rescheduled'; bookingId: string; fromBookingId: string; previous: { start: number; end: number }; attendeeId?: string; now: number }
  /** The booking was cancelled, or (`attendeeId`) one seat of a group occurrence left it. */
  | { type: 'booking.cancelled'; bookingId: string; attendeeId?: string; now: number }
  /** A host marked attendance; for a group, `attendeeIds` are the seats whose mark changed. */
  | { type: 'booking.attendance_marked'; bookingId: string; attendance: 'attended' | 'no_show'; attendeeIds?: string[]; now: number };

/** The statements one booking change appends to its batch, in order, after its own. */
export function bookingEventStatements(event: BookingEvent): SQL[] {
  return [...workflowStatements(event), ...webhookStatements(event)];
}
