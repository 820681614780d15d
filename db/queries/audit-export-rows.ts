import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents, type AuditEventRow } from '@/db/schema';
import { keysetPage, keysetSelect, readKeysetPage, type KeysetPage, type KeysetRequest } from './audit-keyset';
import { copyCsvText } from './copy-statement';
import type { PostgresJsClient } from './postgres-js';

const t = auditEvents;

/** What CSV, Excel and PDF show: the table columns, nothing heavier (no snapshots or metadata). */
export const EXPORT_TABLE_COLUMNS = {
  id: t.id,
  occurredAt: t.occurredAt,
  actorType: t.actorType,
  actorLabel: t.actorLabel,
  source: t.source,
  ip: t.ip,
  requestId: t.requestId,
  action: t.action,
  objectType: t.objectType,
  objectId: t.objectId,
  objectLabel: t.objectLabel,
  message: t.message,
  result: t.result,
  errorMessage: t.errorMessage,
  changes: t.changes,
  // The integrity column set: with these a recipient can re-verify the chain (README, "Tamper evidence").
  seq: t.seq,
  prevHash: t.prevHash,
  hash: t.hash,
};
export type ExportTableRow = Pick<AuditEventRow, keyof typeof EXPORT_TABLE_COLUMNS>;

/** JSON Lines carries every field of the event. */
export const EXPORT_FULL_COLUMNS = {
  ...EXPORT_TABLE_COLUMNS,
  orgId: t.orgId,
  receivedAt: t.receivedAt,
  actorId: t.actorId,
  userAgent: t.userAgent,
  module: t.module,
  project: t.project,
  before: t.before,
  after: t.after,
  changedFields: t.changedFields,
  metadata: t.metadata,
};
export type ExportFullRow = Pick<AuditEventRow, keyof typeof EXPORT_FULL_COLUMNS>;

/** occurred_at as epoch milliseconds (the column has millisecond precision): a number, no date-string parsing. */
const EPOCH_MS = sql`(extract(epoch from ${t.occurredAt}) * 1000)::int8`;

/** One keyset batch of an export through Drizzle's select and mapping (PGlite; JSON Lines' full rows). Tenancy: `req.orgId`. */
export function readExportBatch(db: DbOrTx, req: KeysetRequest, full: true): Promise<KeysetPage<ExportFullRow>>;
export function readExportBatch(db: DbOrTx, req: KeysetRequest, full: boolean): Promise<KeysetPage<ExportTableRow | ExportFullRow>>;
export function readExportBatch(db: DbOrTx, req: KeysetRequest, full: boolean): Promise<KeysetPage<ExportTableRow | ExportFullRow>> {
  return readKeysetPage(db, req, full ? EXPORT_FULL_COLUMNS : EXPORT_TABLE_COLUMNS);
}

/**
 * The table columns in the order of each result array, read by index in readExportTableBatchFast (keep the
 * two in step); the reader appends the sort value as index 18.
 */
const FAST_COLUMNS = {
  occurredAt: EPOCH_MS,
  id: t.id,
  actorType: t.actorType,
  actorLabel: t.actorLabel,
  source: t.source,
  ip: t.ip,
  requestId: t.requestId,
  action: t.action,
  objectType: t.objectType,
  objectId: t.objectId,
  objectLabel: t.objectLabel,
  message: t.message,
  result: t.result,
  errorMessage: t.errorMessage,
  // jsonb: postgres.js parses it (as it does for Drizzle's path).
  changes: t.changes,
  // bigint (int8) arrives as text.
  seq: t.seq,
  prevHash: t.prevHash,
  hash: t.hash,
} satisfies Record<keyof ExportTableRow, unknown>;

/**
 * The same keyset batch of table columns on a PostgreSQL server, read in postgres.js's array mode without
 * Drizzle's per-row mapping (the statement is still keysetSelect's). Tenancy: `req.orgId`.
 */
export async function readExportTableBatchFast(db: DbOrTx, client: PostgresJsClient, req: KeysetRequest): Promise<KeysetPage<ExportTableRow>> {
  const query = keysetSelect(db, req, FAST_COLUMNS).toSQL();
  const values = await client.unsafe(query.sql, query.params as unknown[]).values();
  const rows: ExportTableRow[] = new Array(values.length);
  const sortValues: (string | null)[] = new Array(values.length);
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
    sortValues[i] = v[18] as string | null;
  }
  return keysetPage(req, rows, sortValues);
}

/**
 * The keyset statement as `COPY … TO STDOUT (FORMAT csv)` text, for CSV exports on a PostgreSQL server. Its
 * fields: occurred_at as epoch milliseconds, then `fields` in order, then the sort value (empty when sorting
 * by time). Throws when a parameter cannot be written as a literal. Tenancy: `req.orgId`.
 */
export function exportCopyText(db: DbOrTx, req: KeysetRequest, fields: readonly (keyof ExportTableRow)[]): string {
  const projection: Record<string, SQL | (typeof EXPORT_TABLE_COLUMNS)[keyof ExportTableRow]> = { c0: EPOCH_MS };
  fields.forEach((f, i) => {
    projection[`c${i + 1}`] = EXPORT_TABLE_COLUMNS[f];
  });
  return copyCsvText(keysetSelect(db, req, projection).toSQL());
}
