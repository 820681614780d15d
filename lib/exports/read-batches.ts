import { and, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { buildAuditWhere, keysetCondition, orderBy, sortValueExpression, type QueryFilters } from '@/db/queries/audit-where';
import { auditEvents } from '@/db/schema';
import type { Cursor } from '@/lib/view/cursor';
import type { Sort } from '@/lib/view/search-params';
import { FULL_SELECTION, TABLE_SELECTION, type ExportFullRow, type ExportTableRow } from './columns';

export type BatchSource<B> = {
  /** The next batch in sort order, or null once every row has been read. One query per batch. */
  next(): Promise<B | null>;
  /** The export stopped: start no further query, drop a prefetched batch (an in-flight one is ignored). */
  close(): void;
};
export type BatchReader<R> = BatchSource<R[]>;

type ReaderOptions = { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; full?: boolean };
type Fetched = { rows: (ExportTableRow | ExportFullRow)[]; more: boolean; cursor: Cursor | null };

/** postgres.js's `sql` function (drizzle's `$client` on a server); PGlite's client is an object without `unsafe`. */
type PostgresJsClient = { unsafe(query: string, params: unknown[]): { values(): Promise<unknown[][]> } };

export function postgresJsClient(db: DbOrTx): PostgresJsClient | null {
  const client = (db as { $client?: unknown }).$client;
  return typeof client === 'function' && typeof (client as unknown as Partial<PostgresJsClient>).unsafe === 'function' ? (client as unknown as PostgresJsClient) : null;
}

/**
 * Reads a whole filtered view in keyset batches, in exactly the view's sort (the same where-builder,
 * ORDER BY and keyset condition as the page), so batch 500 costs what batch 1 does and ties never
 * repeat or skip. Nothing is read until the consumer asks. Tenancy: `orgId` only.
 *
 * On a PostgreSQL server (postgres.js) the table columns are read in postgres.js's array mode without
 * Drizzle's per-row mapping (the time as epoch milliseconds, so no date parsing), and the next batch's
 * query is started as soon as a batch arrives: PostgreSQL produces batch n+1 on its own core while Node
 * formats batch n. At most one batch is read ahead, and only after the consumer asked for the one before,
 * so memory stays flat and a slow consumer still holds the reads back. JSON Lines (every column) keeps
 * Drizzle's query and mapping (read ahead the same way); PGlite (embedded, on Node's own thread: no overlap
 * to gain) keeps the plain Drizzle query, one per call.
 */
export function createBatchReader(db: DbOrTx, opts: ReaderOptions & { full: true }): BatchReader<ExportFullRow>;
export function createBatchReader(db: DbOrTx, opts: ReaderOptions & { full?: false }): BatchReader<ExportTableRow>;
export function createBatchReader(db: DbOrTx, opts: ReaderOptions): BatchReader<ExportTableRow | ExportFullRow>;
export function createBatchReader(db: DbOrTx, opts: ReaderOptions): BatchReader<ExportTableRow | ExportFullRow> {
  const base = buildAuditWhere(opts.orgId, opts.filters);
  const valueExpr = sortValueExpression(opts.sort);
  const client = postgresJsClient(db);
  const fetchBatch = client && !opts.full ? fastTableQuery(db, client, base, opts, valueExpr) : drizzleQuery(db, base, opts, valueExpr);
  const prefetch = client !== null;

  return readAhead(async (cursor) => {
    const fetched = await fetchBatch(cursor);
    return { batch: fetched.rows, more: fetched.more, cursor: fetched.cursor };
  }, prefetch);
}

/** One keyset query's result: the batch, whether more rows follow, and where the next query starts. */
export type FetchedBatch<B> = { batch: B; more: boolean; cursor: Cursor | null };

/**
 * Keyset batches from `fetch` (called with the previous batch's cursor, null first). With `prefetch`, the
 * next batch's query starts as soon as a batch is handed out, so the database produces batch n+1 while the
 * caller works on batch n; never more than one ahead, and nothing before the first next(). close() drops
 * the read-ahead (a query in flight finishes and is ignored) and starts nothing more.
 */
export function readAhead<B>(fetch: (cursor: Cursor | null) => Promise<FetchedBatch<B>>, prefetch: boolean): BatchSource<B> {
  let cursor: Cursor | null = null;
  let exhausted = false;
  let closed = false;
  let ahead: Promise<B | null> | null = null;

  const read = async (): Promise<B | null> => {
    if (exhausted || closed) return null;
    const fetched = await fetch(cursor);
    // Where the next query starts is known as soon as this batch is here, before anyone formats it.
    if (fetched.cursor) cursor = fetched.cursor;
    exhausted = !fetched.more || !fetched.cursor;
    return fetched.batch;
  };

  return {
    async next() {
      if (closed) return null;
      const pending = ahead ?? read();
      ahead = null;
      const batch = await pending;
      if (closed) return null;
      if (prefetch && !exhausted) {
        ahead = read();
        // Awaited by the next call; a failure meanwhile must not be an unhandled rejection (it surfaces there).
        ahead.catch(() => {});
      }
      return batch;
    },
    close() {
      closed = true;
      ahead = null;
    },
  };
}

/** limit + 1 tells whether another batch exists without a final empty query. */
function pageOf<R extends { occurredAt: Date; id: string }>(fetched: R[], sortValues: (string | null)[], batchSize: number): { rows: R[]; more: boolean; cursor: Cursor | null } {
  const more = fetched.length > batchSize;
  const rows = more ? fetched.slice(0, batchSize) : fetched;
  const i = rows.length - 1;
  const last = rows[i];
  const v = sortValues[i] ?? null;
  const cursor = last ? (v === null ? { at: last.occurredAt, id: last.id } : { v, at: last.occurredAt, id: last.id }) : null;
  return { rows, more, cursor };
}

function whereFor(base: SQL, sort: Sort, cursor: Cursor | null): SQL {
  return cursor ? and(base, keysetCondition(sort, cursor))! : base;
}

/** The portable path: Drizzle's select and row mapping (PGlite, and JSON Lines' full rows). */
function drizzleQuery(db: DbOrTx, base: SQL, opts: ReaderOptions, valueExpr: SQL | null) {
  const selection = opts.full ? FULL_SELECTION : TABLE_SELECTION;
  return async (cursor: Cursor | null): Promise<Fetched> => {
    const fetched = (await db
      .select({ ...selection, sortValue: valueExpr ? sql<string>`${valueExpr}` : sql<null>`null` })
      .from(auditEvents)
      .where(whereFor(base, opts.sort, cursor))
      .orderBy(orderBy(opts.sort))
      .limit(opts.batchSize + 1)) as ((ExportTableRow | ExportFullRow) & { sortValue: string | null })[];
    const rows = fetched.map((r) => {
      const { sortValue, ...row } = r;
      void sortValue;
      return row;
    });
    return pageOf(rows, fetched.map((r) => r.sortValue), opts.batchSize);
  };
}

const t = auditEvents;

/**
 * The server path for the table columns. The SELECT is still built by Drizzle from the same where-builder,
 * ORDER BY and keyset condition; only the result skips Drizzle's mapping. The order here is the order of
 * each result array, read by index in fastTableQuery (keep the two in step).
 */
const FAST_COLUMNS = [
  // Epoch milliseconds (the column has millisecond precision): a number, no date-string parsing.
  ['occurredAt', sql`(extract(epoch from ${t.occurredAt}) * 1000)::int8`],
  ['id', t.id],
  ['actorType', t.actorType],
  ['actorLabel', t.actorLabel],
  ['source', t.source],
  ['ip', t.ip],
  ['requestId', t.requestId],
  ['action', t.action],
  ['objectType', t.objectType],
  ['objectId', t.objectId],
  ['objectLabel', t.objectLabel],
  ['message', t.message],
  ['result', t.result],
  ['errorMessage', t.errorMessage],
  // jsonb: postgres.js parses it (as it does for Drizzle's path).
  ['changes', t.changes],
  // bigint (int8) arrives as text.
  ['seq', t.seq],
  ['prevHash', t.prevHash],
  ['hash', t.hash],
] as const satisfies readonly (readonly [keyof ExportTableRow, unknown])[];

function fastTableQuery(db: DbOrTx, client: PostgresJsClient, base: SQL, opts: ReaderOptions, valueExpr: SQL | null) {
  const selection = Object.fromEntries([...FAST_COLUMNS, ['sortValue', valueExpr ? sql`${valueExpr}` : sql`null`]]);
  const build = (cursor: Cursor | null) =>
    db
      .select(selection as Record<string, SQL>)
      .from(auditEvents)
      .where(whereFor(base, opts.sort, cursor))
      .orderBy(orderBy(opts.sort))
      .limit(opts.batchSize + 1)
      .toSQL();
  return async (cursor: Cursor | null): Promise<Fetched> => {
    const query = build(cursor);
    const values = (await client.unsafe(query.sql, query.params as unknown[]).values()) as unknown[][];
    const rows: ExportTableRow[] = new Array(values.length);
    const sortValues: (string | null)[] = valueExpr ? new Array(values.length) : [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      rows[i] = {
        occurredAt: new Date(Number(v[0])),
        id: v[1] as string,
        actorType: v[2] as ExportTableRow['actorType'],
        actorLabel: v[3] as string,
        source: v[4] as ExportTableRow['source'],
        ip: v[5] as string | null,
        requestId: v[6] as string | null,
        action: v[7] as string,
        objectType: v[8] as string,
        objectId: v[9] as string | null,
        objectLabel: v[10] as string | null,
        message: v[11] as string,
        result: v[12] as ExportTableRow['result'],
        errorMessage: v[13] as string | null,
        changes: v[14] as ExportTableRow['changes'],
        seq: Number(v[15]),
        prevHash: v[16] as string,
        hash: v[17] as string,
      };
      if (valueExpr) sortValues[i] = v[18] as string | null;
    }
    return pageOf(rows, sortValues, opts.batchSize);
  };
}
