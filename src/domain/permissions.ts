import type { Locale } from './locales';

/** How far a permission reaches: the user's own bookings, their team's, or everyone's. */
export const SCOPES = ['own', 'team', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

export type Permission = 'view' | 'edit' | 'delete';
export type Permissions = Record<Permission, Scope | null>;

export type SessionUser = {
  id: number;
  name: string;
  email: string;
  timezone: string;
  locale: Locale;
  teamId: number | null;
  role: string;
  permissions: Permissions;
};

/** What a booking looks like to the permission layer: who hosts it. */
export type BookingHostsView = { hostIds: number[]; hostTeamIds: (number | null)[] };

/** Is a booking with these hosts inside `scope` for `user`? Mirrors bookingScopeCondition in SQL. */
export function withinScope(user: SessionUser, scope: Scope | null, booking: BookingHostsView): boolean {
  if (scope === null) return false;
  if (scope === 'all') return true;
  if (scope === 'own') return booking.hostIds.includes(user.id);
  return user.teamId !== null && booking.hostTeamIds.includes(user.teamId);
}

/** Same rule for users (availability edits, host lists): own = self, team = same team. */
export function userWithinScope(user: SessionUser, scope: Scope | null, target: { id: number; teamId: number | null }) {
  return withinScope(user, scope, { hostIds: [target.id], hostTeamIds: [target.teamId] });
}

/** A CRM person's owner as the visibility rule needs it; id null = nobody owns them. */
export type PersonOwner = { ownerId: number | null; ownerTeamId: number | null };

/**
 * CRM visibility (SPEC 15): a person is visible when their owner is inside `scope` for `user`;
 * an ownerless person only to scope `all`. Mirrors personScopeCondition in SQL.
 */
export function personWithinScope(user: Pick<SessionUser, 'id' | 'teamId'>, scope: Scope | null, owner: PersonOwner): boolean {
  if (scope === 'all') return true;
  if (owner.ownerId === null) return false;
  if (scope === 'own') return owner.ownerId === user.id;
  return scope === 'team' && user.teamId !== null && owner.ownerTeamId === user.teamId;
}
