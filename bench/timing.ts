/** How the benches time requests: sequential, body read, median and status counts. */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function timeRequests(n: number, make: (i: number) => Promise<Response>): Promise<{ median: number; statuses: Record<number, number> }> {
  const times: number[] = [];
  const statuses: Record<number, number> = {};
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await make(i);
    await res.arrayBuffer();
    times.push(performance.now() - t);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
  return { median: median(times), statuses };
}

/**
 * Rounds of [trivial, target] in turn, so the machine's noise (2 shared cores) falls on both
 * sides of a ratio alike; `after` runs untimed after each target (an idle gap after a write).
 */
export async function interleaved(trivialUrl: string, n: number, target: (i: number) => Promise<Response>, after?: () => Promise<unknown>) {
  const trivial: number[] = [];
  const times: number[] = [];
  const statuses: Record<number, number> = {};
  for (let i = 0; i < n; i++) {
    trivial.push((await timeRequests(1, () => fetch(trivialUrl))).median);
    const r = await timeRequests(1, () => target(i));
    times.push(r.median);
    for (const [status, count] of Object.entries(r.statuses)) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + count;
    await after?.();
  }
  return { median: median(times), trivial: median(trivial), statuses };
}
