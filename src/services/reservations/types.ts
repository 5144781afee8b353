/** The jobs a host's Durable Object runs against D1, and what they answer. */
import type { Locale } from '../../domain/locales';
import type { CalendarFollowUp } from '../../calendar/sync';
import type { PublicBooking } from '../public-booking';
import type { PageWithHosts } from '../../db/pages';

export type Booker = {
  name: string;
  email: string;
  phone: string | null;
  notes: string | null;
  timezone: string | null;
  answers: Record<string, string | boolean>;
  /** The booker's language (SPEC 10): every email to them is written in it. */
  locale: Locale;
};

/** manageUrl carries the plain token only as far as the booker's email; D1 keeps its hash. */
export type BookJob = {
  kind: 'book';
  pageId: number;
  start: number;
  booker: Booker;
  tokenHash: string;
  manageUrl: string;
  now: number;
  /** The page as the route read it: the job re-reads it in its read batch and starts over if it changed. */
  page?: PageWithHosts;
  /**
   * Abuse limits still to count (SPEC 14: the client's address by limitKey, the booker's email),
   * at the booking's turn in its host's object and before it reads D1: a contender the object
   * refuses as taken never counts, a booking over a limit reads and writes nothing (http/booking-guard.ts).
   */
  limits?: { clientKey: string; email: string };
};
export type RescheduleJob = {
  kind: 'reschedule';
  bookingId: string;
  start: number;
  by: 'host' | 'booker';
  message: string | null;
  now: number;
};
export type CancelJob = { kind: 'cancel'; bookingId: string; by: 'host' | 'booker'; reason: string | null; now: number };
/** A booker of a group occurrence leaves their seat (the occurrence stays for the others). */
export type LeaveSeatJob = { kind: 'leave_seat'; attendeeId: string; reason: string | null; now: number };
/** A booker of a group occurrence moves only their own seat to another time. */
export type MoveSeatJob = { kind: 'move_seat'; attendeeId: string; start: number; now: number };
export type ReservationJob = BookJob | RescheduleJob | CancelJob | LeaveSeatJob | MoveSeatJob;

export type ReservationFailure = {
  ok: false;
  // unavailable: a host's Durable Object was reset mid-call (host-schedule.ts); 503, retry.
  // forbidden: the booker is on the blocklist (blockedBy: the entry), read in the booking's own read batch.
  code: 'already_booked' | 'invalid_state' | 'validation_failed' | 'not_found' | 'internal' | 'unavailable' | 'forbidden';
  message: string;
  blockedBy?: string;
  /** An 'unavailable' because the booking is over an abuse limit it counted (BookJob.limits): the route answers 429. */
  rateLimited?: true;
  views?: HeldView;
  /** The page the route sent is not the page now (an 'unavailable'): the route reads it and tries again (public.ts). */
  pageChanged?: true;
  /** D1 round trips the job made (host-schedule.ts), for the request's meter. */
  roundTrips?: number;
};

/** What a committed job changed in its hosts' claimed time: the hosts' Durable Objects keep their view of it. */
export type HeldMeeting = { hostId: number; bookingId: string; start: number; end: number };
export type ClaimChange = { added: HeldMeeting[]; released: string[] };
/** The hosts' held meetings over a window, read in the job's read batch for their Durable Objects' view. */
export type HeldView = { window: { start: number; end: number }; hostIds: number[]; held: HeldMeeting[] };

export type ReservationSuccess = {
  ok: true;
  bookingId: string;
  attendeeId?: string;
  outboxIds: string[];
  calendar?: CalendarFollowUp[];
  /** A booking POST's answer, read in the commit's own batch. */
  booking?: PublicBooking;
  claims?: ClaimChange;
  views?: HeldView;
  /** The D1 session bookmark after the commit, so the booker's next read sees it. */
  bookmark?: string | null;
  roundTrips?: number;
};
export type ReservationResult = ReservationSuccess | ReservationFailure;

export const fail = (code: ReservationFailure['code'], message: string): ReservationFailure => ({ ok: false, code, message });
export const SLOT_TAKEN = () => fail('already_booked', 'That time was just booked, pick another');
