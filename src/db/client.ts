import { drizzle } from 'drizzle-orm/d1';

/** A D1 binding or one of its Sessions (read replicas with a bookmark, see publicReads). */
export type D1Client = D1Database | D1DatabaseSession;

// No `schema`: we never use drizzle's relational `db.query`, and passing one walks every table
// to build its config each time a client is wrapped (each request's session and metered binding).
const makeDb = (d1: D1Client) => drizzle(d1 as D1Database);
export type Db = ReturnType<typeof makeDb>;
/** One drizzle instance per D1 client: a booking asks several times. */
const dbs = new WeakMap<object, Db>();
export const getDb = (d1: D1Client): Db => {
  let db = dbs.get(d1);
  if (!db) dbs.set(d1, (db = makeDb(d1)));
  return db;
};

/**
 * Round trips to D1, counted per request or Durable Object job: at the edge each sequential
 * round trip costs the distance to the database, so it is the figure that matters (tests
 * assert the budgets; the bench prints them). `delayMs` holds every round trip back that long:
 * the bench's "booker far from the database" run, never on in production (meteredD1).
 */
type Meter = { roundTrips: number; inFlight: number; delayMs: number; settled?: boolean };
const meters = new WeakMap<object, Meter>();
const raw = new WeakMap<object, D1PreparedStatement>();

/** Calls made while another is in flight ride along: the count is of sequential round trips. */
async function trip<T>(meter: Meter, run: () => Promise<T>): Promise<T> {
  if (meter.inFlight++ === 0 && !meter.settled) meter.roundTrips++;
  try {
    if (meter.delayMs > 0) await new Promise((r) => setTimeout(r, meter.delayMs));
    return await run();
  } finally {
    meter.inFlight--;
  }
}

class MeteredStatement {
  constructor(
    private readonly stmt: D1PreparedStatement,
    private readonly meter: Meter,
  ) {
    raw.set(this, stmt);
  }
  bind(...values: unknown[]) {
    return new MeteredStatement(this.stmt.bind(...values), this.meter);
  }
  first(column?: string) {
    return trip(this.meter, () => (column === undefined ? this.stmt.first() : this.stmt.first(column)));
  }
  run() {
    return trip(this.meter, () => this.stmt.run());
  }
  all() {
    return trip(this.meter, () => this.stmt.all());
  }
  raw(options?: { columnNames?: boolean }) {
    return trip(this.meter, () => this.stmt.raw(options as { columnNames: true }));
  }
}

class MeteredD1 {
  constructor(
    private readonly d1: D1Client,
    private readonly meter: Meter,
  ) {
    meters.set(this, meter);
  }
  prepare(query: string) {
    return new MeteredStatement(this.d1.prepare(query), this.meter);
  }
  batch(statements: D1PreparedStatement[]) {
    return trip(this.meter, () => this.d1.batch(statements.map((s) => raw.get(s) ?? s)));
  }
  exec(query: string) {
    return trip(this.meter, () => (this.d1 as D1Database).exec(query));
  }
  /** A session counts on the same meter as the binding it came from. */
  withSession(constraintOrBookmark?: string) {
    return new MeteredD1((this.d1 as D1Database).withSession(constraintOrBookmark), this.meter);
  }
  getBookmark() {
    return 'getBookmark' in this.d1 ? this.d1.getBookmark() : null;
  }
}

type DelayEnv = { ENVIRONMENT: string; D1_DELAY_MS?: string };

/**
 * The binding with a fresh meter, for one request or one Durable Object job. The delay is a
 * dev var (`wrangler dev --var D1_DELAY_MS:50`), ignored in production.
 */
export function meteredD1(env: DelayEnv & { DB: D1Database }): D1Database {
  if (meters.has(env.DB)) return env.DB;
  const delayMs = env.ENVIRONMENT === 'production' ? 0 : Math.max(0, Number(env.D1_DELAY_MS ?? 0) || 0);
  return new MeteredD1(env.DB, { roundTrips: 0, inFlight: 0, delayMs }) as unknown as D1Database;
}

/** Round trips made through a metered binding (or a session of it) so far. */
export const roundTripsOf = (d1: D1Client): number => meters.get(d1)?.roundTrips ?? 0;

/** Round trips made elsewhere on this one's behalf (the host's Durable Object, for a booking POST). */
export function addRoundTrips(d1: D1Client, n: number) {
  const meter = meters.get(d1);
  if (meter) meter.roundTrips += n;
}

/**
 * The binding with every batch issued in the same turn of the event loop sent to D1 as one
 * batch: reads that don't depend on each other cost one round trip, even when different modules
 * make them (the page, the slot context, the cursors of a booking). Single statements pass.
 */
export function together(d1: D1Client): D1Client {
  type Waiting = { statements: D1PreparedStatement[]; resolve: (r: D1Result[]) => void; reject: (e: unknown) => void };
  let waiting: Waiting[] = [];
  const flush = async () => {
    const group = waiting;
    waiting = [];
    try {
      const results = await d1.batch(group.flatMap((w) => w.statements));
      let i = 0;
      for (const w of group) {
        w.resolve(results.slice(i, i + w.statements.length));
        i += w.statements.length;
      }
    } catch (error) {
      // One statement failed the whole batch: each caller retries alone, so only its own read fails.
      if (group.length === 1) group[0].reject(error);
      else for (const w of group) d1.batch(w.statements).then(w.resolve, w.reject);
    }
  };
  return {
    prepare: (query: string) => d1.prepare(query),
    batch: (statements: D1PreparedStatement[]) =>
      new Promise<D1Result[]>((resolve, reject) => {
        if (waiting.length === 0) setTimeout(flush, 0);
        waiting.push({ statements, resolve, reject });
      }),
    withSession: (c?: string) => (d1 as D1Database).withSession(c),
    getBookmark: () => ('getBookmark' in d1 ? d1.getBookmark() : null),
  } as unknown as D1Client;
}

/** The answer is decided: what runs after it (emails sent in waitUntil) is not the request's cost. */
export function settleRoundTrips(d1: D1Client) {
  const meter = meters.get(d1);
  if (meter) meter.settled = true;
}
