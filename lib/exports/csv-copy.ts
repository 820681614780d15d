import type { DbOrTx } from '@/db/client';
import { exportCopyText } from '@/db/queries/audit-export-rows';
import { keysetCursors, type KeysetRequest } from '@/db/queries/audit-keyset';
import type { QueryFilters } from '@/db/queries/audit-where';
import { bulkPostgresJsClient, copyToStdout } from '@/db/queries/postgres-js';
import type { Cursor, Sort } from '@/db/vocabulary/sort';
import { COPY_ROW_FIELDS, CopyCsvParser, type CsvBatch } from './csv-copy-parser';
import { readAhead, type BatchSource } from './read-batches';
import { createZoneFormatter } from './time';

export type { CsvBatch };

/*
 * The CSV export's fast path on a PostgreSQL server, beside the plain one (createBatchReader + createCsvWriter
 * in csv-writer.ts). Each keyset batch is the one keyset statement (db/queries/audit-keyset.ts) run as
 * `COPY (…) TO STDOUT WITH (FORMAT csv)`, and Node turns PostgreSQL's CSV into the export's CSV at the byte
 * level as it streams in (csv-copy-parser.ts): no row objects or per-column strings are made.
 *
 * Invariant: for the same rows the two paths write the same file, byte for byte. Pinned by "CSV: the COPY path
 * on a PostgreSQL server writes byte for byte what the row path writes" in tests/integration/exports.test.ts.
 *
 * Why: reading rows through the wire protocol costs Node more per row than PostgreSQL spends producing
 * them; COPY's CSV is the cheapest form rows leave PostgreSQL in (the benchmark's yardstick), so with
 * the next batch streaming while the consumer takes this one, the export runs close to raw COPY speed.
 * Everything else (tenancy, filters, sort, keyset, batch size, one query per batch, at most one batch read
 * ahead) is as in read-batches.ts.
 */

/**
 * Keyset batches of finished CSV bytes for the CSV export, or null when the database is not a PostgreSQL
 * server reached through postgres.js (PGlite: the row path, createBatchReader + createCsvWriter), or when a
 * filter's parameters cannot be written as COPY literals. Tenancy: `orgId` only.
 */
export function createCsvCopyReader(
  db: DbOrTx,
  opts: { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; zone: string },
): BatchSource<CsvBatch> | null {
  // Each batch's COPY runs on a connection of the long-work pool reserved for it (copyToStdout).
  const client = bulkPostgresJsClient(db);
  if (!client) return null;
  const time = createZoneFormatter(opts.zone);
  const scratch = { out: Buffer.allocUnsafe(1 << 20) };
  const changesCache = new Map<string, Buffer>();
  const request = (after: Cursor | null): KeysetRequest => ({ orgId: opts.orgId, filters: opts.filters, sort: opts.sort, limit: opts.batchSize, after });

  // A filter whose parameters cannot be written as literals keeps the row path (checked once, up front).
  try {
    exportCopyText(db, request(null), COPY_ROW_FIELDS);
  } catch {
    return null;
  }

  // The next batch streams (and is converted) while the consumer takes this one: at most one ahead.
  return readAhead(async (after) => {
    const req = request(after);
    const parser = new CopyCsvParser(opts.batchSize, time, scratch, changesCache);
    await copyToStdout(client, exportCopyText(db, req, COPY_ROW_FIELDS), (chunk) => parser.push(chunk));
    const { batch, more, last } = parser.finish();
    return { batch, next: keysetCursors(req, null, last, more).next };
  }, true);
}
