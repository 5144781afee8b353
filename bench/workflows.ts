/**
 * Workflow reminder figures (SPEC 11) on the bench's 100,000-booking server: the cron's outbox
 * sweep with 1,000 reminders due among ~100,000 pending ones not yet due, split into finding
 * the due rows, composing them (each a fresh manage link, in the booker's language) and
 * claiming them (one statement), as /dev/sweep reports the scheduled run. Called by bench/run.ts with the
 * admin's headers (X-Test-Now = T) after its briefing sweeps.
 *
 * Each round gives every bench page two workflows with applyToExisting (through the API, as a
 * host would): 5 minutes before (due T+25m for the bookings at T+30m) and 185 minutes before
 * (due T+25m for those at T+3h30m); the sweep at T+25m then finds 1,000 due. Later rounds add
 * new workflows, so each round's sweep meets the same 1,000 and the pending rows of every
 * earlier round.
 */
type Row = { figure: string; value: string; baseline: string; ratio: string; goal: string };

const ROUNDS = 3;
const PAGES = Array.from({ length: 500 }, (_, h) => 1000 + h);
const ms = (v: number) => `${v.toFixed(2)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => { for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item); }));
}

export async function benchWorkflows(base: string, headers: Record<string, string>, T: number, trivial: number): Promise<Row[]> {
  const findClaim: number[] = [];
  const compose: number[] = [];
  const recorded: number[] = [];
  const whole: number[] = [];
  let due = 0;
  for (let round = 0; round < ROUNDS; round++) {
    await pool(PAGES, 8, async (pageId) => {
      for (const offsetMinutes of [5, 185]) {
        const res = await fetch(`${base}/api/scheduling-pages/${pageId}/workflows`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ name: `Bench ${round} ${offsetMinutes}`, trigger: 'before_start', offsetMinutes, action: 'email_booker', applyToExisting: true }),
        });
        if (res.status !== 201) throw new Error(`workflow bench: POST workflows answered ${res.status} ${await res.text()}`);
      }
    });
    const res = await fetch(`${base}/dev/sweep`, { method: 'POST', headers: { 'x-test-now': new Date(T + 25 * 60_000).toISOString() } });
    // outboxFindMs: the sweep before find and claim became one statement (kept so the bench compares the two).
    const stats = (await res.json()) as { outboxAttempted: number; outboxMs: number; outboxFindMs?: number; outboxClaimMs: number; outboxComposeMs: number; outboxRecordMs?: number };
    due = stats.outboxAttempted;
    findClaim.push((stats.outboxFindMs ?? 0) + stats.outboxClaimMs);
    compose.push(stats.outboxComposeMs);
    if (stats.outboxRecordMs !== undefined) recorded.push(stats.outboxRecordMs);
    whole.push(stats.outboxMs);
  }
  const row = (figure: string, value: number, goal = ''): Row => ({ figure, value: ms(value), baseline: ms(trivial), ratio: `${(value / trivial).toFixed(2)}×`, goal });
  return [
    row(`workflow reminder sweep, 100,000 bookings, ${due} due among ~100,000 pending reminders per round: find + claim`, median(findClaim), '≤ 50 ms'),
    row(`workflow reminder sweep: compose the ${due} (manage link each, booker's language)`, median(compose)),
    // Before find and claim were one statement, the local mailbox's keep was the claim (counted above).
    ...(recorded.length ? [row(`workflow reminder sweep: record the ${due} as kept in the local mailbox (one batch)`, median(recorded))] : []),
    row(`workflow reminder sweep: the whole outbox step (find and claim, compose, kept in the local mailbox)`, median(whole)),
  ];
}
