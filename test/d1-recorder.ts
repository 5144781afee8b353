/**
 * A D1 binding that notes every call that reaches the database (a statement's run/all/first/raw,
 * or one batch) with the SQL of its statements, sessions included: what tests count round trips
 * and the order of D1 calls with.
 */
export type D1Call = { sql: string[] };

export function recordingD1(d1: D1Database): { db: D1Database; calls: D1Call[] } {
  const calls: D1Call[] = [];
  const real = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();
  const wrapStatement = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, key) {
        if (key === 'bind') return (...values: unknown[]) => wrapStatement(target.bind(...values), sql);
        if (key === 'run' || key === 'all' || key === 'first' || key === 'raw')
          return (...args: unknown[]) => {
            calls.push({ sql: [sql] });
            return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
          };
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    real.set(proxy, statement);
    sqlOf.set(proxy, sql);
    return proxy;
  };
  const wrap = (client: D1Database | D1DatabaseSession): D1Database =>
    new Proxy(client, {
      get(target, key) {
        if (key === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql), sql);
        if (key === 'batch')
          return (statements: D1PreparedStatement[]) => {
            calls.push({ sql: statements.map((s) => sqlOf.get(s) ?? '?') });
            return target.batch(statements.map((s) => real.get(s) ?? s));
          };
        if (key === 'withSession') return (constraint?: string) => wrap((target as D1Database).withSession(constraint));
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as D1Database;
  return { db: wrap(d1), calls };
}
