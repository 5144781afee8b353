/**
 * Stress against `wrangler dev`: for each strategy, 10 rounds of 200 concurrent contenders
 * mixing new bookings, host reschedules and booker changes onto overlapping times, on a seeded
 * page and a buffered page of the same hosts (made here), group seats joining, moving and
 * leaving; every contender is a client of its own (X-Test-Client-IP), as real ones are. Then the
 * invariants as SQL counts (GET /dev/integrity, buffered overlap included) must all be zero.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';

const base = inject('baseUrl');
// STRESS_ROUNDS / STRESS_CONTENDERS make a quick local run; the suite's figures are the defaults.
const ROUNDS = Number(process.env.STRESS_ROUNDS) || 10;
const CONTENDERS = Number(process.env.STRESS_CONTENDERS) || 200;
const DAY = 86_400_000;

type Held = { id: string; token: string; page: Page };
type Page = { slug: string; stepMinutes: number; durationMinutes: number; answers: Record<string, string> };

let adminToken = '';
beforeAll(async () => {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-client-ip': '10.255.0.1' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'demo-password' }),
  });
  adminToken = ((await res.json()) as { token: string }).token;
  // Buffered pages sharing hosts with seeded ones: a booking on either blocks the other's
  // candidates by both pages' buffers.
  for (const [i, page] of BUFFERED_PAGES.entries()) {
    const r = await post('/api/scheduling-pages', page, `10.255.1.${i}`, adminToken);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
});

const BUFFERED_PAGES = [
  { slug: 'stress-buffered', title: 'Buffered intro', durationMinutes: 30, slotIntervalMinutes: 15, bufferBeforeMinutes: 10, bufferAfterMinutes: 15, timezone: 'America/New_York', locationType: 'phone', locationValue: '+1 555 0142', strategy: 'individual', hosts: [{ userId: 3 }] },
  { slug: 'stress-buffered-rr', title: 'Buffered sales', durationMinutes: 30, slotIntervalMinutes: 30, bufferAfterMinutes: 30, timezone: 'America/New_York', locationType: 'phone', locationValue: '+1 555 0143', strategy: 'round_robin', hosts: [{ userId: 3 }, { userId: 4 }] },
  { slug: 'stress-buffered-webinar', title: 'Buffered webinar', durationMinutes: 60, slotIntervalMinutes: 30, bufferBeforeMinutes: 15, bufferAfterMinutes: 15, timezone: 'America/New_York', locationType: 'custom', locationValue: 'https://example.com/stress', strategy: 'group', groupCapacity: 5, hosts: [{ userId: 4 }] },
];

/** Weekdays from 8 days ahead, one per round, so each round contends on its own day. */
function roundDays(): number[] {
  const days: number[] = [];
  const today = new Date();
  let t = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + 8 * DAY;
  while (days.length < ROUNDS) {
    const wd = new Date(t).getUTCDay();
    if (wd >= 1 && wd <= 5) days.push(t);
    t += DAY;
  }
  return days;
}

// Each strategy contends in its own window of the hosts' New York day, so one strategy's load
// never starves another's hosts (collective and group have no host in common).
const STRATEGIES: { strategy: string; from: number; to: number; pages: Page[] }[] = [
  {
    strategy: 'individual',
    from: 9,
    to: 12,
    pages: [
      { slug: 'ravi-intro', stepMinutes: 30, durationMinutes: 30, answers: { company: 'Stress' } },
      { slug: 'stress-buffered', stepMinutes: 15, durationMinutes: 30, answers: {} },
    ],
  },
  {
    strategy: 'round_robin',
    from: 12,
    to: 14,
    pages: [
      { slug: 'west-sales', stepMinutes: 30, durationMinutes: 30, answers: {} },
      { slug: 'stress-buffered-rr', stepMinutes: 30, durationMinutes: 30, answers: {} },
    ],
  },
  { strategy: 'collective', from: 14, to: 17, pages: [{ slug: 'deal-review', stepMinutes: 60, durationMinutes: 60, answers: {} }] },
  {
    strategy: 'group',
    from: 14,
    to: 17,
    pages: [
      { slug: 'west-webinar', stepMinutes: 60, durationMinutes: 60, answers: {} },
      { slug: 'stress-buffered-webinar', stepMinutes: 30, durationMinutes: 60, answers: {} },
    ],
  },
];

/** The UTC instant of a whole New York hour on the UTC date `day`, read through Intl. */
function newYorkHour(day: number, hour: number): number {
  const guess = day + (hour + 5) * 3_600_000;
  const shown = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(guess));
  return guess - (shown - hour) * 3_600_000;
}

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

let retried = 0;

/**
 * Every request names its client: the abuse limits count per IP, and contenders are many people.
 * A 503 (a host's Durable Object went away, e.g. wrangler dev reloading after a file change) says
 * Retry-After: contenders then try again, as clients should, a few times at most.
 */
async function post(path: string, body: unknown, ip: string, token?: string) {
  let res: Response;
  for (let attempt = 0; ; attempt++) {
    res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-client-ip': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status !== 503 || attempt === 4) break;
    retried++;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, (Number(res.headers.get('retry-after')) || 1) * 1000));
  }
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A success must carry its JSON; say what came instead.
    if (res.ok) throw new Error(`${path} answered ${res.status} without JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body: parsed };
}

describe('stress: concurrent contenders per strategy', () => {
  const days = roundDays();
  for (const [si, s] of STRATEGIES.entries()) {
    it(`${s.strategy}: ${ROUNDS} rounds × ${CONTENDERS} contenders keep every invariant`, async () => {
      const statuses: Record<number, number> = {};
      for (const [round, day] of days.entries()) {
        // Starts whose meeting ends inside the strategy's window (buffers may reach past it).
        const startsOf = (page: Page) =>
          Array.from({ length: ((s.to - s.from) * 60 - page.durationMinutes) / page.stepMinutes + 1 }, (_, i) =>
            new Date(newYorkHour(day, s.from) + i * page.stepMinutes * 60_000).toISOString(),
          );
        const book = async (page: Page, start: string, email: string, ip: string) => {
          const r = await post(`/api/public/pages/${page.slug}/bookings`, { start, name: 'Stress booker', email, answers: page.answers }, ip);
          return { status: r.status, held: r.status === 201 ? { id: r.body.booking.id, token: r.body.manageUrl.split('/').pop(), page } : undefined };
        };
        const held: Held[] = [];
        // A booking per page first, far enough apart for the buffers, so reschedules have something
        // to move (the previous strategy's buffered bookings may reach into this window: 409, and
        // contenders then book first).
        for (const [k, page] of s.pages.entries()) {
          const starts = startsOf(page);
          const at = s.pages.length > 1 ? Math.round((k * (starts.length - 1)) / (s.pages.length - 1)) : 0;
          const r = await book(page, starts[at], `seed-${round}-${k}@stress.test`, `10.254.${si * 16 + round}.${k}`);
          expect([201, 409]).toContain(r.status);
          if (r.held) held.push(r.held);
        }
        const results = await Promise.all(
          Array.from({ length: CONTENDERS }, async (_, i) => {
            const ip = `10.${si * 16 + round}.${i >> 8}.${i & 255}`;
            const kind = i % 8;
            const h = held.length ? pick(held) : undefined;
            if (kind <= 1 || !h) {
              const page = pick(s.pages);
              const r = await book(page, pick(startsOf(page)), `c${round}x${i}@stress.test`, ip);
              if (r.held) held.push(r.held);
              return r.status;
            }
            if (kind <= 4) {
              const r = await post(`/api/bookings/${h.id}/reschedule`, { start: pick(startsOf(h.page)), message: 'stress' }, ip, adminToken);
              if (r.status === 200) h.id = r.body.booking.id;
              return r.status;
            }
            // Bookers move through their manage link (a group booker moves only their seat);
            // some group bookers leave their seat, and join again at another time.
            if (s.strategy === 'group' && kind === 7) {
              const left = await post(`/api/public/manage/${h.token}/cancel`, { reason: 'stress' }, ip);
              if (left.status !== 200) return left.status;
              if (held.includes(h)) held.splice(held.indexOf(h), 1);
              const again = await book(h.page, pick(startsOf(h.page)), `c${round}x${i}-again@stress.test`, ip);
              if (again.held) held.push(again.held);
              return again.status;
            }
            const r = await post(`/api/public/manage/${h.token}/reschedule`, { start: pick(startsOf(h.page)) }, ip);
            if (r.status === 200) h.id = r.body.booking.id;
            return r.status;
          }),
        );
        for (const status of results) statuses[status] = (statuses[status] ?? 0) + 1;
      }
      // Every contender got an answer, and only the expected ones.
      expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(ROUNDS * CONTENDERS);
      expect(Object.keys(statuses).map(Number).every((code) => [200, 201, 409].includes(code)), JSON.stringify(statuses)).toBe(true);
      // New bookings, host reschedules and booker changes all went through at times.
      expect(statuses[201] ?? 0).toBeGreaterThan(0);
      expect(statuses[200] ?? 0).toBeGreaterThan(0);
      const report = await (await fetch(`${base}/dev/integrity`, { headers: { 'x-test-client-ip': '10.255.0.2' } })).json();
      // These checks at least, and every check the report holds (workflows and webhooks add theirs), are zero.
      for (const key of ['overlappingBookings', 'bufferedOverlaps', 'groupsOverCapacity', 'confirmedWithoutClaims', 'claimsOfUnconfirmed', 'claimsNotBuffered', 'bookingsWithoutEmail', 'dayCountsOff', 'cancelledWithoutEmail', 'seatsWithoutEmail'])
        expect(report, key).toHaveProperty(key);
      for (const [key, n] of Object.entries(report as Record<string, number>)) expect(n, key).toBe(0);
      console.log(`${s.strategy}: ${JSON.stringify(statuses)}, 503s retried so far: ${retried}`);
    });
  }
});
