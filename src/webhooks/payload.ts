/**
 * A delivery's body, composed at its first attempt and then kept, so every retry and replay
 * sends the same bytes under the same `webhook-id`:
 * `{type, timestamp, data:{booking, previous?, attendee?, attendeeIds?, workflow?}}`. The booking
 * is the SPEC 6 object as the endpoint's owner may see it (an organization endpoint sees all);
 * a group occurrence lists its attendees. A delivery whose reason to exist has gone (the
 * booking left the owner's scope, a timed delivery's booking is no longer confirmed, its
 * workflow was turned off) is cancelled instead.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { bookingAttendees, roles, users, workflows, type WebhookDelivery, type WebhookEndpoint } from '../db/schema';
import { eq } from 'drizzle-orm';
import { bookingJson, hostsView, loadBookingRecords, type ViewedBooking } from '../db/bookings';
import { toSessionUser } from '../http/session';
import { withinScope, type SessionUser } from '../domain/permissions';
import { iso } from '../domain/time';
import { WORKFLOW_EVENT } from './vocab';

export type Composed = { kind: 'body'; body: string } | { kind: 'cancel'; reason: string };
type Row = { delivery: WebhookDelivery; endpoint: WebhookEndpoint };

/** Who an organization endpoint speaks for: the whole organization. */
const ORGANIZATION: SessionUser = {
  id: 0,
  name: 'Organization',
  email: '',
  timezone: 'UTC',
  locale: 'en',
  teamId: null,
  role: 'admin',
  permissions: { view: 'all', edit: 'all', delete: 'all' },
};

async function loadOwners(db: Db, ids: number[]): Promise<Map<number, SessionUser>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ user: users, role: roles }).from(users).innerJoin(roles, eq(roles.name, users.role)).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.user.id, toSessionUser(r.user, r.role)]));
}

/** Bodies (or cancellations) for the rows that have none yet, keyed by delivery id. */
export async function composePayloads(db: Db, rows: Row[]): Promise<Map<string, Composed>> {
  const out = new Map<string, Composed>();
  const pending = rows.filter((r) => r.delivery.payload === null && r.delivery.bookingId !== null);
  if (pending.length === 0) return out;
  const owners = await loadOwners(db, [...new Set(pending.map((r) => r.endpoint.ownerId).filter((id): id is number => id !== null))]);
  const workflowIds = [...new Set(pending.map((r) => r.delivery.workflowId).filter((id): id is number => id !== null))];
  const seatIds = [...new Set(pending.map((r) => r.delivery.extra?.attendeeId).filter((id): id is string => typeof id === 'string'))];
  const [flows, seats] = await Promise.all([
    workflowIds.length ? db.select().from(workflows).where(inArray(workflows.id, workflowIds)) : [],
    seatIds.length ? db.select().from(bookingAttendees).where(inArray(bookingAttendees.id, seatIds)) : [],
  ]);
  // One load per viewer: what a booking looks like depends on who may see its CRM person.
  const viewers = new Map<number, SessionUser>();
  for (const r of pending) {
    const viewer = r.endpoint.ownerId === null ? ORGANIZATION : owners.get(r.endpoint.ownerId);
    if (viewer) viewers.set(viewer.id, viewer);
  }
  const records = new Map<string, ViewedBooking>();
  for (const viewer of viewers.values()) {
    const ids = [...new Set(pending.filter((r) => (r.endpoint.ownerId ?? 0) === viewer.id).map((r) => r.delivery.bookingId!))];
    for (const record of await loadBookingRecords(db, ids, viewer)) records.set(`${viewer.id}:${record.booking.id}`, record);
  }
  for (const { delivery: d, endpoint } of pending) {
    const viewer = endpoint.ownerId === null ? ORGANIZATION : owners.get(endpoint.ownerId);
    const record = viewer && records.get(`${viewer.id}:${d.bookingId}`);
    if (!viewer || !record || !withinScope(viewer, viewer.permissions.view, hostsView(record))) {
      out.set(d.id, { kind: 'cancel', reason: 'the booking is outside the owner’s scope' });
      continue;
    }
    const flow = d.workflowId === null ? undefined : flows.find((w) => w.id === d.workflowId);
    if (d.workflowId !== null && (!flow || !flow.active || flow.deletedAt !== null)) {
      out.set(d.id, { kind: 'cancel', reason: 'the workflow was turned off' });
      continue;
    }
    if (d.timed && record.booking.status !== 'confirmed') {
      out.set(d.id, { kind: 'cancel', reason: `the booking is ${record.booking.status}` });
      continue;
    }
    const extra = d.extra ?? {};
    const seat = typeof extra.attendeeId === 'string' ? seats.find((s) => s.id === extra.attendeeId) : undefined;
    const data = {
      booking: bookingJson(record),
      ...(extra.previous ? { previous: extra.previous } : {}),
      ...(seat ? { attendee: { id: seat.id, name: seat.name, email: seat.email, status: seat.status, attendance: seat.attendance } } : {}),
      ...(Array.isArray(extra.attendeeIds) ? { attendeeIds: extra.attendeeIds } : {}),
      ...(flow ? { workflow: { id: flow.id, name: flow.name, trigger: flow.trigger, offsetMinutes: flow.offsetMinutes } } : {}),
    };
    const type = d.eventType === WORKFLOW_EVENT ? WORKFLOW_EVENT : d.eventType;
    // A timed delivery happens at its due time; every other one when its change happened.
    out.set(d.id, { kind: 'body', body: JSON.stringify({ type, timestamp: iso(d.timed ? d.dueAt : d.createdAt), data }) });
  }
  return out;
}
