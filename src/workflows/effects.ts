import type { SQL } from 'drizzle-orm';
import type { BookingEvent } from '../services/booking-events';

/** Workflow messages for a booking change (issue 15 fills this in). */
export function workflowStatements(_event: BookingEvent): SQL[] {
  return [];
}
