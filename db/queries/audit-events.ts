import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents } from '@/db/schema';
import type { Cursor } from '@/lib/audit/cursor';

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
  message: string;
  result: 'success' | 'failure';
  errorMessage: string | null;
  changes: { path: string; before: unknown; after: unknown }[] | null;
};

/** The WHERE for one organization's view. Tenancy: org_id is always the first condition. */
export function buildAuditWhere(orgId: string, filters: { cursor?: Cursor | null } = {}): SQL {
  const parts: SQL[] = [eq(auditEvents.orgId, orgId)];
  if (filters.cursor) {
    // Row comparison matches the (occurred_at, id) index order, so ties on time never skip or repeat rows.
    parts.push(sql`(${auditEvents.occurredAt}, ${auditEvents.id}) < (${filters.cursor.at.toISOString()}::timestamptz, ${filters.cursor.id}::uuid)`);
  }
  return and(...parts)!;
}

/**
 * One page of an organization's events, newest first; `next` is the cursor of the following page.
 * Tenancy: only rows of `orgId` can be returned.
 */
export async function listAuditEvents(
  db: DbOrTx,
  opts: { orgId: string; limit: number; cursor?: Cursor | null },
): Promise<{ rows: AuditListRow[]; next: Cursor | null }> {
  const rows = (await db
    .select(auditListColumns)
    .from(auditEvents)
    .where(buildAuditWhere(opts.orgId, { cursor: opts.cursor }))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(opts.limit + 1)) as AuditListRow[];
  const hasMore = rows.length > opts.limit;
  const page = hasMore ? rows.slice(0, opts.limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, next: hasMore && last ? { at: last.occurredAt, id: last.id } : null };
}

/** Exact count for one organization. Tenancy: scoped by `orgId`. */
export async function countAuditEvents(db: DbOrTx, orgId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(buildAuditWhere(orgId));
  return row?.n ?? 0;
}

/**
 * Count for one organization, exact up to `cap` (then reported as "cap or more"), so the number never
 * costs a full scan of a large log. Tenancy: scoped by `orgId`.
 */
export async function countAuditEventsCapped(db: DbOrTx, orgId: string, cap: number): Promise<{ count: number; capped: boolean }> {
  const inner = db.select({ one: sql`1` }).from(auditEvents).where(buildAuditWhere(orgId)).limit(cap + 1).as('capped');
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(inner);
  const n = row?.n ?? 0;
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}
