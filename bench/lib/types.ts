/**
 * What every benchmark scenario receives and returns. bench/run.ts builds the context (a fresh, filled
 * database on the PostgreSQL server, optionally a running app server) and prints the rows as one table.
 */
export type BenchOrg = {
  slug: string;
  id: string;
  /** Events generated for this organization. */
  events: number;
  /** ISO instants of its oldest and newest generated event. */
  oldest: string;
  newest: string;
};

export type BenchContext = {
  /** The benchmark database on the PostgreSQL server (postgres.js / openDatabase URL). */
  url: string;
  /** Organizations, largest first; orgs[0] holds most of the events. */
  orgs: BenchOrg[];
  /** Owner of every bench organization, with a password that signs in through the app. */
  user: { id: string; email: string; password: string; label: string };
  /** BENCH_QUICK=1: fewer repetitions (smoke run), figures not for RESULTS.md. */
  quick: boolean;
  /** Base URL of the built app server on the bench database (http://127.0.0.1:PORT), when HTTP scenarios run. */
  baseUrl?: string;
  /** A session cookie header for `user` on baseUrl. */
  cookie?: string;
};

/** One line of the results table. Times in milliseconds. */
export type ScenarioRow = {
  group: string;
  scenario: string;
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** The raw-SQL yardstick's p50 on the same data (plain SELECT, COPY TO, COPY FROM). */
  rawP50Ms?: number;
  /** Extra figure, e.g. "23,400 events/s" or "+96 MB". */
  figure?: string;
  /** The target, e.g. "p95 ≤ 50 ms", and whether it was met. */
  target?: string;
  met?: boolean;
  note?: string;
  /** EXPLAIN (ANALYZE, BUFFERS) of the yardstick query, attached when a query-layer target is missed. */
  plan?: string;
};
