/**
 * Slows password guessing for one email (SPEC 14). Failures are counted in D1, not in a rate
 * limiter: the binding can only count-and-answer, and refusing the *correct* password during a
 * lock needs a read that counts nothing. A lock that let the right password through would tell
 * a guesser when they had it. D1 is also global, where limiters count per location.
 *
 * Rule: the 5th wrong password within 15 minutes of the first locks that email until those
 * 15 minutes are over; every attempt meanwhile, right or wrong, gets 429 with Retry-After.
 * Unknown emails are counted the same way, so the lock tells nothing about who has an account.
 * A successful sign-in clears the count.
 */
export const LOGIN_FAILURE_LIMIT = 5;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

type FailureRow = { window_start: number; failures: number };

export const failureRowQuery = (d1: D1Database, email: string) =>
  d1.prepare('SELECT window_start, failures FROM login_failures WHERE email = ?').bind(email);

/** Seconds until the lock ends, or 0 when this email may try. */
export function lockSeconds(row: FailureRow | null, now: number): number {
  if (!row || row.failures < LOGIN_FAILURE_LIMIT) return 0;
  const end = row.window_start + LOGIN_FAILURE_WINDOW_MS;
  return end > now ? Math.ceil((end - now) / 1000) : 0;
}

export async function readFailures(d1: D1Database, email: string): Promise<FailureRow | null> {
  return failureRowQuery(d1, email).first<FailureRow>();
}

/**
 * Counts one failure: a new window when the last one is over. Stale rows of other emails are
 * pruned in the same batch (on the window index), so guessing at random emails leaves no pile.
 */
export async function recordFailure(d1: D1Database, email: string, now: number): Promise<void> {
  const stale = now - LOGIN_FAILURE_WINDOW_MS;
  await d1.batch([
    d1.prepare('DELETE FROM login_failures WHERE window_start <= ? AND email <> ?').bind(stale, email),
    d1
      .prepare(
        `INSERT INTO login_failures (email, window_start, failures) VALUES (?1, ?2, 1)
         ON CONFLICT (email) DO UPDATE SET
           failures = CASE WHEN window_start <= ?3 THEN 1 ELSE failures + 1 END,
           window_start = CASE WHEN window_start <= ?3 THEN ?2 ELSE window_start END`,
      )
      .bind(email, now, stale),
  ]);
}

export async function clearFailures(d1: D1Database, email: string): Promise<void> {
  await d1.prepare('DELETE FROM login_failures WHERE email = ?').bind(email).run();
}
