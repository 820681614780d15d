import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { AuditFilters, Facet } from '@/lib/view/filters';
import type { Cursor, Sort, SortColumn } from '@/db/vocabulary/sort';
import { resolveRange } from '@/lib/view/time-range';

/** Filters with the time range made concrete (presets resolved at one `now` in the viewer's zone). */
export type QueryFilters = Omit<AuditFilters, 'range'> & { from: Date | null; to: Date | null };

export function resolveQueryFilters(filters: AuditFilters, now: Date, zone: string): QueryFilters {
  const { range, ...rest } = filters;
  return { ...rest, ...resolveRange(range, now, zone) };
}

const t = auditEvents;

/** Facet -> column, the whitelist: nothing from a URL names a column directly. */
const FACET_COLUMNS = {
  action: sql`${t.action}`,
  type: sql`${t.objectType}`,
  actor: sql`${t.actorLabel}`,
  module: sql`${t.module}`,
  project: sql`${t.project}`,
  source: sql`${t.source}::text`,
  result: sql`${t.result}::text`,
} satisfies Record<Facet, SQL>;

/** The free-text haystack; identical to the expression of audit_events_search_trgm_idx (migration 0004). */
export const searchExpression = sql`(${t.message} || ' ' || ${t.actorLabel} || ' ' || coalesce(${t.objectLabel}, '') || ' ' || coalesce(${t.objectId}, '') || ' ' || ${t.metadata}::text)`;

/** `%` and `_` are wildcards in LIKE: a search for "100%" means the text "100%". */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * THE where-builder: the page, the count, the facets, every export and the API all filter through it.
 * Tenancy: org_id is always the first condition; values are bound parameters, columns come from whitelists.
 */
export function buildAuditWhere(orgId: string, q: QueryFilters): SQL {
  const parts: (SQL | undefined)[] = [eq(t.orgId, orgId)];
  if (q.from) parts.push(gte(t.occurredAt, q.from));
  if (q.to) parts.push(lt(t.occurredAt, q.to));
  for (const [facet, column] of Object.entries(FACET_COLUMNS) as [Facet, SQL][]) {
    const include = q.include[facet];
    const exclude = q.exclude[facet];
    if (include.length) parts.push(sql`${column} in (${sql.join(include.map((v) => sql`${v}`), sql`, `)})`);
    // A NULL module/project is "not X" too.
    if (exclude.length) parts.push(sql`(${column} is null or ${column} not in (${sql.join(exclude.map((v) => sql`${v}`), sql`, `)}))`);
  }
  if (q.objectId) parts.push(eq(t.objectId, q.objectId));
  if (q.eventId) parts.push(eq(t.id, q.eventId));
  if (q.requestId) parts.push(eq(t.requestId, q.requestId));
  if (q.ip) parts.push(sql`${t.ip} <<= ${q.ip}::inet`);
  if (q.fields.length) parts.push(sql`${t.changedFields} && ${sql`array[${sql.join(q.fields.map((f) => sql`${f}`), sql`, `)}]::text[]`}`);
  for (const term of q.text) parts.push(sql`${searchExpression} ilike ${`%${escapeLike(term)}%`}`);
  return and(...parts)!;
}

/** Sort column -> expression (never NULL, so keyset comparisons are total) and the cursor value's cast. */
const SORT_EXPRESSIONS: Record<Exclude<SortColumn, 'time'>, { expr: SQL; cast: SQL; read: SQL }> = {
  actor: { expr: sql`${t.actorLabel}`, cast: sql`::text`, read: sql`${t.actorLabel}` },
  ip: { expr: sql`coalesce(${t.ip}, '0.0.0.0'::inet)`, cast: sql`::inet`, read: sql`coalesce(${t.ip}, '0.0.0.0'::inet)::text` },
  action: { expr: sql`${t.action}`, cast: sql`::text`, read: sql`${t.action}` },
  type: { expr: sql`${t.objectType}`, cast: sql`::text`, read: sql`${t.objectType}` },
  object: { expr: sql`coalesce(${t.objectId}, '')`, cast: sql`::text`, read: sql`coalesce(${t.objectId}, '')` },
  result: { expr: sql`${t.result}::text`, cast: sql`::text`, read: sql`${t.result}::text` },
  source: { expr: sql`${t.source}::text`, cast: sql`::text`, read: sql`${t.source}::text` },
};

/** ORDER BY for a sort, always ending in (occurred_at, id) so ties never skip or repeat rows across pages. */
export function orderBy(sort: Sort, reverse = false): SQL {
  const dir = (sort.dir === 'desc') !== reverse ? sql`desc` : sql`asc`;
  const keys = sort.column === 'time' ? [] : [SORT_EXPRESSIONS[sort.column].expr];
  return sql.join([...keys, sql`${t.occurredAt}`, sql`${t.id}`].map((k) => sql`${k} ${dir}`), sql`, `);
}

/** The sort value to put in a cursor, read back from the row. */
export function sortValueExpression(sort: Sort): SQL | null {
  return sort.column === 'time' ? null : SORT_EXPRESSIONS[sort.column].read;
}

/** Rows strictly beyond `cursor` in the sort order (`backward`: strictly before it). */
export function keysetCondition(sort: Sort, cursor: Cursor, backward = false): SQL {
  const forwardIsLess = sort.dir === 'desc';
  const op = forwardIsLess !== backward ? sql`<` : sql`>`;
  const at = sql`${cursor.at.toISOString()}::timestamptz`;
  const id = sql`${cursor.id}::uuid`;
  if (sort.column === 'time') return sql`(${t.occurredAt}, ${t.id}) ${op} (${at}, ${id})`;
  const s = SORT_EXPRESSIONS[sort.column];
  return sql`(${s.expr}, ${t.occurredAt}, ${t.id}) ${op} (${sql`${cursor.v ?? ''}`}${s.cast}, ${at}, ${id})`;
}

