/**
 * A host's Durable Object's view of the meetings its host holds (host-schedule.ts), over the
 * windows it has read from D1. Inside a window it knows every held meeting, so an overlap there
 * is certain; outside one it knows nothing and refuses nothing. Only committed changes enter
 * it, and a window is read again after VIEW_TTL_MS: changes made outside the objects (none are
 * expected; a test or an operator writing D1 directly) cannot keep it wrong for long.
 */
import type { HeldMeeting } from './types';

type Interval = { start: number; end: number };
export const VIEW_TTL_MS = 5 * 60_000;

export class HeldTime {
  private meetings = new Map<string, Interval>();
  private windows: (Interval & { loadedAt: number })[] = [];

  covers(i: Interval): boolean {
    const now = Date.now();
    this.windows = this.windows.filter((w) => now - w.loadedAt < VIEW_TTL_MS);
    if (this.windows.length === 0) this.meetings.clear();
    return this.windows.some((w) => w.start <= i.start && i.end <= w.end);
  }

  overlaps(i: Interval): boolean {
    for (const m of this.meetings.values()) if (m.start < i.end && i.start < m.end) return true;
    return false;
  }

  /** The held meetings overlapping `window`, by start (for the dev route that compares them with D1). */
  between(window: Interval) {
    return [...this.meetings.entries()]
      .filter(([, m]) => m.start < window.end && window.start < m.end)
      .map(([bookingId, m]) => ({ bookingId, ...m }))
      .sort((a, b) => a.start - b.start || (a.bookingId < b.bookingId ? -1 : 1));
  }

  /** What D1 holds over `window` now: it replaces whatever the view had there. */
  load(window: Interval, held: HeldMeeting[]) {
    for (const [id, m] of this.meetings) if (m.start < window.end && window.start < m.end) this.meetings.delete(id);
    for (const h of held) this.meetings.set(h.bookingId, { start: h.start, end: h.end });
    this.windows.push({ ...window, loadedAt: Date.now() });
  }

  /** A committed change: the meetings it released and the ones it took. */
  apply(released: string[], added: HeldMeeting[]) {
    for (const id of released) this.meetings.delete(id);
    for (const h of added) this.meetings.set(h.bookingId, { start: h.start, end: h.end });
  }

  /** Unsure what D1 holds now: know nothing until the next read. */
  forget() {
    this.meetings.clear();
    this.windows = [];
  }
}
