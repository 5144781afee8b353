import type { Bindings } from '../env';
import type { Db } from '../db/client';
import type { PageWithHosts } from '../db/pages';
import { loadSlotContext, type SlotContext } from '../db/availability';
import { calendarBusy } from '../calendar/google';
import type { Interval } from '../domain/slots';

/**
 * The slot context with each host's calendar busy times added (when Google is configured).
 * `ownTimes` are the times of bookings being moved: their own calendar events do not block.
 */
export async function availability(
  env: Bindings,
  db: Db,
  page: PageWithHosts,
  from: number,
  to: number,
  opts: { ignoreBookingIds?: string[]; ownTimes?: Interval[] } = {},
): Promise<SlotContext> {
  const ctx = await loadSlotContext(db, page, from, to, { ignoreBookingIds: opts.ignoreBookingIds });
  const busy = await calendarBusy(env, ctx.hostUsers, from - 86_400_000, to + 86_400_000);
  if (busy.size === 0) return ctx;
  const own = opts.ownTimes ?? [];
  for (const host of ctx.hosts) {
    const extra = (busy.get(host.userId) ?? []).filter((b) => !own.some((o) => o.start === b.start && o.end === b.end));
    host.busy.push(...extra);
  }
  return ctx;
}
