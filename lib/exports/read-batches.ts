import { and, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { buildAuditWhere, keysetCondition, orderBy, sortValueExpression, type QueryFilters } from '@/db/queries/audit-where';
import { auditEvents } from '@/db/schema';
import type { Cursor } from '@/lib/audit/cursor';
import type { Sort } from '@/lib/audit/search-params';
import { FULL_SELECTION, TABLE_SELECTION, type ExportFullRow, type ExportTableRow } from './columns';

export type BatchReader<R> = {
  /** The next batch in sort order, or null once every row has been read. One query per call. */
  next(): Promise<R[] | null>;
};

type Selection = typeof TABLE_SELECTION | typeof FULL_SELECTION;

/**
 * Reads a whole filtered view in keyset batches, in exactly the view's sort (the same where-builder,
 * ORDER BY and keyset condition as the page), so batch 500 costs what batch 1 does and ties never
 * repeat or skip. Each call is one query: nothing is read until the consumer asks. Tenancy: `orgId` only.
 */
export function createBatchReader(db: DbOrTx, opts: { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; full: true }): BatchReader<ExportFullRow>;
export function createBatchReader(db: DbOrTx, opts: { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; full?: false }): BatchReader<ExportTableRow>;
export function createBatchReader(db: DbOrTx, opts: { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; full?: boolean }): BatchReader<ExportTableRow | ExportFullRow>;
export function createBatchReader(db: DbOrTx, opts: { orgId: string; filters: QueryFilters; sort: Sort; batchSize: number; full?: boolean }): BatchReader<ExportTableRow | ExportFullRow> {
  const selection: Selection = opts.full ? FULL_SELECTION : TABLE_SELECTION;
  const base = buildAuditWhere(opts.orgId, opts.filters);
  const valueExpr = sortValueExpression(opts.sort);
  let cursor: Cursor | null = null;
  let done = false;
  return {
    async next() {
      if (done) return null;
      const where = cursor ? and(base, keysetCondition(opts.sort, cursor)) : base;
      // limit + 1 tells whether another batch exists without a final empty query.
      const fetched = (await db
        .select({ ...selection, sortValue: valueExpr ? sql<string>`${valueExpr}` : sql<null>`null` })
        .from(auditEvents)
        .where(where)
        .orderBy(orderBy(opts.sort))
        .limit(opts.batchSize + 1)) as ((ExportTableRow | ExportFullRow) & { sortValue: string | null })[];
      const more = fetched.length > opts.batchSize;
      const batch = more ? fetched.slice(0, opts.batchSize) : fetched;
      const last = batch[batch.length - 1];
      done = !more || !last;
      if (last) cursor = last.sortValue === null ? { at: last.occurredAt, id: last.id } : { v: last.sortValue, at: last.occurredAt, id: last.id };
      return batch.map((r) => {
        const { sortValue, ...row } = r;
        void sortValue;
        return row;
      });
    },
  };
}
