import type { Sql } from 'postgres';

/**
 * A postgres.js client whose every parameterized query is a named prepared statement, drizzle's too, and
 * whose queries without parameters never are.
 *
 * Drizzle sends its queries with `prepare: false` unless one is built with `.prepare(name)`, and postgres.js
 * then asks the server for the parameter types first (Parse + Describe, wait, then Bind + Execute): two round
 * trips per query. Prepared, the statement is described once per connection and every later run is one round
 * trip. Transactions and savepoints hand drizzle a new client, so those are wrapped too.
 *
 * Prepared statements could let PostgreSQL switch to a generic plan after five runs, which would plan
 * `ILIKE $1` without knowing the pattern (for a common term over all time: seconds instead of milliseconds);
 * the connection therefore sets `plan_cache_mode = force_custom_plan` (see db/client.ts), so every run is still
 * planned for its own values.
 */
export function preparingClient<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        // Only parameterized queries: a text without parameters is sent in one round trip unnamed, and one built
        // per call (COPY ranges and export batches with their bounds written in) must not pile up as prepared
        // statements on the connection.
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, params as never, { ...options, prepare: Boolean(params?.length) });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: Sql) => unknown;
          const open = Reflect.get(target, prop) as (...a: unknown[]) => unknown;
          return open.apply(target, [...args, (tx: Sql) => fn(preparingClient(tx))]);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
