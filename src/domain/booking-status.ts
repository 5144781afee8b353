/** A booking's lifecycle: confirmed until cancelled, or replaced by its rescheduled successor. */
export const BOOKING_STATUSES = ['confirmed', 'cancelled', 'rescheduled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
