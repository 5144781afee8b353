/**
 * Outside production an answer says where its time went: a Server-Timing header of named spans
 * (the booking POST's limits, page, host object, its queue, reads and commit). Only waits show:
 * the Workers clock moves on I/O, so CPU-only work between two waits counts into the next span.
 */
import type { Context } from 'hono';
import { isNonProduction } from '../env';

export type Spans = Record<string, number>;
const spansOf = new WeakMap<object, Spans>();

/** Adds `ms` under `name` for this request (spans of the same name add up). */
export function addSpans(c: Context, spans: Spans | undefined) {
  if (!spans || !isNonProduction(c.env)) return;
  const kept = spansOf.get(c) ?? {};
  for (const [name, ms] of Object.entries(spans)) kept[name] = (kept[name] ?? 0) + ms;
  spansOf.set(c, kept);
}

/** Awaits `work`, timing it as the span `name` (outside production). */
export async function timed<T>(c: Context, name: string, work: Promise<T>): Promise<T> {
  if (!isNonProduction(c.env)) return work;
  const t = performance.now();
  try {
    return await work;
  } finally {
    addSpans(c, { [name]: performance.now() - t });
  }
}

/** A stopwatch for code without a Context (the host's Durable Object): spans come back in its answer. */
export function stopwatch(on: boolean) {
  const spans: Spans = {};
  let last = performance.now();
  return {
    lap(name: string) {
      if (!on) return;
      const t = performance.now();
      spans[name] = (spans[name] ?? 0) + (t - last);
      last = t;
    },
    spans: () => (on ? spans : undefined),
  };
}

/** The Server-Timing value for this request, if it has spans. */
export function serverTiming(c: Context): string | undefined {
  const spans = spansOf.get(c);
  if (!spans) return undefined;
  return Object.entries(spans)
    .map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`)
    .join(', ');
}
