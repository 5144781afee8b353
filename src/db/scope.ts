import { eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { users, type Scope } from './schema';
import type { SessionUser } from '../domain/permissions';

/**
 * The one condition every bookings query uses to stay inside a user's scope (invariant 4).
 * own: the user hosts the booking (any host of a collective); team: a host is in the user's
 * team; all: the organization. Each EXISTS is a primary-key probe on booking_hosts.
 */
export function bookingScopeCondition(user: SessionUser, scope: Scope | null): SQL {
  switch (scope) {
    case 'all':
      return sql`1 = 1`;
    case 'own':
      return sql`EXISTS (SELECT 1 FROM booking_hosts bh WHERE bh.booking_id = "bookings"."id" AND bh.user_id = ${user.id})`;
    case 'team':
      if (user.teamId === null) return sql`0 = 1`;
      return sql`EXISTS (SELECT 1 FROM booking_hosts bh JOIN users hu ON hu.id = bh.user_id WHERE bh.booking_id = "bookings"."id" AND hu.team_id = ${user.teamId})`;
    default:
      return sql`0 = 1`;
  }
}

/**
 * CRM visibility in SQL (mirrors personWithinScope): the person whose owner id is `ownerId`
 * is visible when the owner is in the user's scope; ownerless people only to scope `all`.
 * Team is a primary-key probe on users.
 */
export function personScopeCondition(user: Pick<SessionUser, 'id' | 'teamId'>, scope: Scope | null, ownerId: SQL | AnyColumn): SQL {
  switch (scope) {
    case 'all':
      return sql`1 = 1`;
    case 'own':
      return sql`${ownerId} = ${user.id}`;
    case 'team':
      if (user.teamId === null) return sql`0 = 1`;
      return sql`EXISTS (SELECT 1 FROM users ou WHERE ou.id = ${ownerId} AND ou.team_id = ${user.teamId})`;
    default:
      return sql`0 = 1`;
  }
}

/** Users inside `scope` for `user` (SPEC 3 applied to people): own = self, team = same team, all; null = nobody. */
export function usersInScopeCondition(user: Pick<SessionUser, 'id' | 'teamId'>, scope: Scope | null): SQL {
  if (scope === 'all') return sql`1 = 1`;
  if (scope === 'team' && user.teamId !== null) return eq(users.teamId, user.teamId);
  if (scope === 'own' || scope === 'team') return eq(users.id, user.id);
  return sql`0 = 1`;
}

/** Users the caller may see: their view scope applied to people (a user always sees themself). */
export function visibleUsersCondition(user: SessionUser) {
  return usersInScopeCondition(user, user.permissions.view ?? 'own');
}
