import { SQL, is } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';

const dialect = new SQLiteAsyncDialect();

type Buildable = SQL | { toSQL(): { sql: string; params: unknown[] } };

/**
 * A drizzle query or raw SQL as a D1 statement, for batches drizzle's own batch cannot hold
 * (raw conditional inserts such as INSERT … SELECT … WHERE changes() = 1).
 */
export function d1Statement(d1: D1Database, query: Buildable): D1PreparedStatement {
  const { sql, params } = is(query, SQL) ? dialect.sqlToQuery(query) : query.toSQL();
  return d1.prepare(sql).bind(...params);
}

/** D1 caps bound parameters per statement at 100: id lists go in slices below that. */
export function chunked<T>(items: T[], size = 90): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Raw SQL with bound values as an item of a drizzle D1 batch. drizzle-orm 0.45's D1 batch binds
 * a statement's values on its prepared `stmt`, which a raw `db.run(sql)` lacks (it would crash on
 * the first value): give it one, prepared from the same text.
 */
export function rawBatchItem<R>(db: { $client: D1Database; run(query: SQL): R }, query: SQL): R {
  const item = db.run(query);
  return Object.assign(item as object, { stmt: db.$client.prepare(dialect.sqlToQuery(query).sql) }) as R;
}
