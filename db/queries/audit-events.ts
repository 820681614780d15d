import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditEvents, auditFacets } from '@/db/schema';
import { emptyFilterValues, FACETS, type Facet } from '@/db/vocabulary/filters';
import type { Cursor, Sort } from '@/db/vocabulary/sort';
import { buildAuditWhere, type QueryFilters } from './audit-where';
import { readKeysetPage } from './audit-keyset';

export const auditListColumns = {
  id: auditEvents.id,
  occurredAt: auditEvents.occurredAt,
  actorType: auditEvents.actorType,
  actorId: auditEvents.actorId,
  actorLabel: auditEvents.actorLabel,
  source: auditEvents.source,
  ip: auditEvents.ip,
  action: auditEvents.action,
  objectType: auditEvents.objectType,
  objectId: auditEvents.objectId,
  objectLabel: auditEvents.objectLabel,
  module: auditEvents.module,
  project: auditEvents.project,
  requestId: auditEvents.requestId,
  message: auditEvents.message,
  result: auditEvents.result,
  errorMessage: auditEvents.errorMessage,
  changes: auditEvents.changes,
};

export type AuditListRow = {
  id: string;
  occurredAt: Date;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string | null;
  actorLabel: string;
  source: 'web' | 'api' | 'system';
  ip: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  objectLabel: string | null;
  module: string | null;
  project: string | null;
  requestId: string | null;
  message: string;
  result: 'success' | 'failure';
  errorMessage: string | null;
  changes: { path: string; before: unknown; after: unknown }[] | null;
  /** The snapshots, read only when asked for (`withSnapshots`: the table's "Before / after" column). */
  before?: unknown;
  after?: unknown;
};

export type AuditPageResult = {
  rows: AuditListRow[];
  /** Cursor for the next page in sort order (older, for the default sort), or null at the end. */
  next: Cursor | null;
  /** Cursor for the previous page, or null on the first page. */
  prev: Cursor | null;
};

export const NO_FILTERS: Omit<QueryFilters, 'from' | 'to'> = emptyFilterValues();

/**
 * One keyset page of an organization's events for the given filters and sort. `after` pages forward,
 * `before` pages back; either way page 1,000 costs what page 1 does. Tenancy: only rows of `orgId`.
 */
export async function listAuditEvents(
  db: DbOrTx,
  opts: { orgId: string; filters: QueryFilters; sort: Sort; limit: number; after?: Cursor | null; before?: Cursor | null; withSnapshots?: boolean },
): Promise<AuditPageResult> {
  const projection = opts.withSnapshots ? { ...auditListColumns, before: auditEvents.before, after: auditEvents.after } : auditListColumns;
  return readKeysetPage<AuditListRow>(db, opts, projection);
}

/**
 * `exact`: counted. Otherwise `count` is the planner's estimate, or, when the planner guessed fewer rows than the
 * capped count proved (`atLeast`), cap + 1: "more than <cap>", the only thing then known for sure.
 */
export type AuditCount = { count: number; exact: boolean; atLeast?: boolean };

/**
 * How many events match: exact up to `cap`, beyond that the planner's estimate (flagged as such), so
 * a count never costs a scan of millions of rows. Tenancy: scoped by `orgId`.
 */
export async function countAuditEvents(db: DbOrTx, orgId: string, filters: QueryFilters, cap = 10_000): Promise<AuditCount> {
  const where = buildAuditWhere(orgId, filters);
  const inner = db
    .select({ one: sql`1` })
    .from(auditEvents)
    .where(where)
    .limit(cap + 1)
    .as('capped');
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(inner);
  const n = row?.n ?? 0;
  if (n <= cap) return { count: n, exact: true };
  const plan = rowsOf<{ 'QUERY PLAN': unknown }>(await db.execute(sql`explain (format json) select 1 from ${auditEvents} where ${where}`));
  const raw = plan[0]?.['QUERY PLAN'];
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  const estimate = Math.round(parsed[0]?.Plan['Plan Rows'] ?? 0);
  // The planner can underestimate combined filters (10M-event bench: 10,001 estimated, 21,294 real): say "more than".
  return estimate > cap ? { count: estimate, exact: false } : { count: cap + 1, exact: false, atLeast: true };
}

/** Every value ever recorded per filterable column (from audit_facets, not a scan). Tenancy: by `orgId`. */
export async function listFacetOptions(db: DbOrTx, orgId: string): Promise<Record<Facet, string[]>> {
  const rows = await db
    .select({ facet: auditFacets.facet, value: auditFacets.value })
    .from(auditFacets)
    .where(eq(auditFacets.orgId, orgId))
    .orderBy(asc(auditFacets.facet), asc(auditFacets.value));
  const out = Object.fromEntries(FACETS.map((f) => [f, [] as string[]])) as Record<Facet, string[]>;
  for (const r of rows) if (r.facet in out) out[r.facet as Facet].push(r.value);
  return out;
}
