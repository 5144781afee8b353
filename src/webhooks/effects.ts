import type { SQL } from 'drizzle-orm';
import type { BookingEvent } from '../services/booking-events';

/** Webhook deliveries for a booking change (issue 16 fills this in). */
export function webhookStatements(_event: BookingEvent): SQL[] {
  return [];
}
