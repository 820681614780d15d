import type { DbOrTx } from '@/db/client';
import { inBackground } from '@/db/work-priority';
import { readExportBatch, readExportTableBatchFast } from '@/db/queries/audit-export-rows';
import type { KeysetRequest } from '@/db/queries/audit-keyset';
import type { QueryFilters } from '@/db/queries/audit-where';
import { postgresJsClient } from '@/db/queries/postgres-js';
import type { Cursor, Sort } from '@/db/vocabulary/sort';
import type { ExportFullRow, ExportTableRow } from './columns';

export type BatchSource<B> = {
  /** The next batch in sort order, or null once every row has been read. One query per batch. */
  next(): Promise<B | null>;
  /** The export stopped: start no further query, drop a prefetched batch (an in-flight one is ignored). */
  close(): void;
};
export type BatchReader<R> = BatchSource<R[]>;

type ReaderOptions = { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; full?: boolean };

/** One keyset read's result: the batch, and where the next read starts (null: this was the last batch). */
export type FetchedBatch<B> = { batch: B; next: Cursor | null };

/**
 * Reads a whole filtered view in keyset batches through the one keyset reader (db/queries/audit-keyset.ts:
 * the page's where-builder, ORDER BY, keyset condition and cursor rule), so batch 500 costs what batch 1 does
 * and ties never repeat or skip. Nothing is read until the consumer asks. Tenancy: `orgId` only.
 *
 * On a PostgreSQL server (postgres.js) the table columns are read in array mode without Drizzle's per-row
 * mapping, and the next batch's query is started as soon as a batch arrives: PostgreSQL produces batch n+1 on
 * its own core while Node formats batch n. At most one batch is read ahead, and only after the consumer asked
 * for the one before, so memory stays flat and a slow consumer still holds the reads back. JSON Lines (every
 * column) keeps Drizzle's mapping (read ahead the same way); PGlite (embedded, on Node's own thread: no overlap
 * to gain) keeps the plain Drizzle read, one per call.
 */
export function createBatchReader(db: DbOrTx, opts: ReaderOptions & { full: true }): BatchReader<ExportFullRow>;
export function createBatchReader(db: DbOrTx, opts: ReaderOptions & { full?: false }): BatchReader<ExportTableRow>;
export function createBatchReader(db: DbOrTx, opts: ReaderOptions): BatchReader<ExportTableRow | ExportFullRow>;
export function createBatchReader(db: DbOrTx, opts: ReaderOptions): BatchReader<ExportTableRow | ExportFullRow> {
  const client = postgresJsClient(db);
  const full = Boolean(opts.full);
  return readAhead(async (after) => {
    const req: KeysetRequest = { orgId: opts.orgId, filters: opts.filters, sort: opts.sort, limit: opts.batchSize, after };
    // Each batch is one bulk unit on the embedded database's connection: pages' reads and ingest writes go between batches.
    const page = client && !full ? await readExportTableBatchFast(db, client, req) : await inBackground(() => readExportBatch(db, req, full), 'bulk');
    return { batch: page.rows, next: page.next };
  }, client !== null);
}

/**
 * Keyset batches from `fetch` (called with the previous batch's next cursor, null first). With `prefetch`, the
 * next batch's query starts as soon as a batch is handed out, so the database produces batch n+1 while the
 * caller works on batch n; never more than one ahead, and nothing before the first next(). close() drops
 * the read-ahead (a query in flight finishes and is ignored) and starts nothing more.
 */
export function readAhead<B>(fetch: (after: Cursor | null) => Promise<FetchedBatch<B>>, prefetch: boolean): BatchSource<B> {
  let cursor: Cursor | null = null;
  let exhausted = false;
  let closed = false;
  let ahead: Promise<B | null> | null = null;

  const read = async (): Promise<B | null> => {
    if (exhausted || closed) return null;
    const fetched = await fetch(cursor);
    // Where the next query starts is known as soon as this batch is here, before anyone formats it.
    cursor = fetched.next;
    exhausted = fetched.next === null;
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
