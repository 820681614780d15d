import { and, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { auditEvents } from '@/db/schema';
import type { Cursor, Sort } from '@/db/vocabulary/sort';
import { buildAuditWhere, keysetCondition, orderBy, sortValueExpression, type QueryFilters } from './audit-where';

/** One keyset read: whose rows, which view, where it starts (`after` pages forward, `before` back) and how many. */
export type KeysetRequest = {
  orgId: string;
  filters: QueryFilters;
  sort: Sort;
  limit: number;
  after?: Cursor | null;
  before?: Cursor | null;
};

/** Columns or expressions to read, by name; the reader adds `sortValue` last (the cursor's `v`, null by time). */
export type KeysetProjection = Record<string, AnyPgColumn | SQL | SQL.Aliased>;

/** A page in sort order, and the cursors of its neighbours (null where there is none). */
export type KeysetPage<R> = { rows: R[]; next: Cursor | null; prev: Cursor | null };

/** The position of a row in the (sort value, occurred_at, id) order. */
export function cursorAt(sortValue: string | null, at: Date, id: string): Cursor {
  return sortValue === null ? { at, id } : { v: sortValue, at, id };
}

/**
 * THE keyset statement: the where-builder, the keyset condition, the sort's ORDER BY (reversed to page back)
 * and limit + 1 (the extra row only says that more exist). The page, the API, every export's batches and the
 * CSV COPY all run this one. Tenancy: `orgId` only (buildAuditWhere's first condition).
 */
export function keysetSelect(db: DbOrTx, req: KeysetRequest, projection: KeysetProjection) {
  const backward = Boolean(req.before);
  const cursor = req.before ?? req.after ?? null;
  const base = buildAuditWhere(req.orgId, req.filters);
  const valueExpr = sortValueExpression(req.sort);
  return db
    .select({ ...projection, sortValue: valueExpr ? sql<string | null>`${valueExpr}` : sql<string | null>`null` })
    .from(auditEvents)
    .where(cursor ? and(base, keysetCondition(req.sort, cursor, backward)) : base)
    .orderBy(orderBy(req.sort, backward))
    .limit(req.limit + 1);
}

/**
 * THE cursor rule, for a read of limit + 1 rows in the read direction: `first`/`last` are the kept rows'
 * boundary positions in that direction and `more` whether the extra row came. Forward: next is the last row
 * when more follow, prev the first row when the read started from a cursor. Backward: mirrored.
 */
export function keysetCursors(req: KeysetRequest, first: Cursor | null, last: Cursor | null, more: boolean): { next: Cursor | null; prev: Cursor | null } {
  if (req.before) return { next: first, prev: more ? last : null };
  return { next: more ? last : null, prev: req.after ? first : null };
}

/**
 * Cuts a limit + 1 read into the page (in sort order, also when read backward) and its cursors. `sortValues[i]`
 * is row i's sort value as read. Rows are used as they come (no copies beyond the page slice).
 */
export function keysetPage<R extends { occurredAt: Date; id: string }>(
  req: KeysetRequest,
  fetched: R[],
  sortValues: readonly (string | null)[],
): KeysetPage<R> {
  const more = fetched.length > req.limit;
  const kept = more ? req.limit : fetched.length;
  const at = (i: number) => (i >= 0 && i < kept ? cursorAt(sortValues[i] ?? null, fetched[i]!.occurredAt, fetched[i]!.id) : null);
  const { next, prev } = keysetCursors(req, at(0), at(kept - 1), more);
  const rows = more ? fetched.slice(0, kept) : fetched;
  if (req.before) rows.reverse();
  return { rows, next, prev };
}

/**
 * One keyset page of `projection` (Drizzle's mapping): the statement of keysetSelect, cut by keysetPage.
 * Tenancy: `orgId` only.
 */
export async function readKeysetPage<R extends { occurredAt: Date; id: string }>(
  db: DbOrTx,
  req: KeysetRequest,
  projection: KeysetProjection,
): Promise<KeysetPage<R>> {
  const fetched = (await keysetSelect(db, req, projection)) as unknown as (R & { sortValue: string | null })[];
  const sortValues = fetched.map((r) => r.sortValue);
  const rows = fetched.map((r) => {
    const { sortValue, ...row } = r;
    void sortValue;
    return row as unknown as R;
  });
  return keysetPage(req, rows, sortValues);
}

/** A read in chain order: the entries afterSeq < seq <= throughSeq that the filters match, seq ascending. */
export type ChainOrderRequest = { orgId: string; filters: QueryFilters; afterSeq: number; throughSeq: number; limit: number };

/**
 * The keyset read in chain order (cursor = seq) for log streams: the where-builder's filters within a seq
 * window, served by audit_events_org_seq_idx. `throughSeq` is the committed chain head the caller read first,
 * so an append still in flight (its seq above that head) is never passed over. Tenancy: `orgId` only.
 */
export function readChainOrder<R>(db: DbOrTx, req: ChainOrderRequest, projection: KeysetProjection): Promise<R[]> {
  const query = db
    .select(projection)
    .from(auditEvents)
    .where(and(buildAuditWhere(req.orgId, req.filters), sql`${auditEvents.seq} > ${req.afterSeq}`, sql`${auditEvents.seq} <= ${req.throughSeq}`))
    .orderBy(sql`${auditEvents.seq} asc`)
    .limit(req.limit);
  return query as unknown as Promise<R[]>;
}
