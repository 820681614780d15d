import { and, asc, gt, inArray, lte } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents } from '@/db/schema';
import { auditChainHeads } from '@/db/schema/audit-chain';
import { auditListColumns, type AuditListRow } from './audit-events';
import { buildAuditWhere, type QueryFilters } from './audit-where';

/** A row of the list with its place in the organization's chain (the live tail's position). */
export type LiveAuditRow = AuditListRow & { seq: number };

/**
 * The organization's entries recorded after `afterSeq` up to `throughSeq` that match `filters`, in the order they
 * were recorded; at most `limit` + 1 (the extra row only says there were more). THE where-builder, so an entry
 * shows up live exactly when a reload would show it. Tenancy: `orgId` only (buildAuditWhere's first condition).
 */
export function listAuditEventsAfterSeq(
  db: DbOrTx,
  opts: { orgId: string; filters: QueryFilters; afterSeq: number; throughSeq: number; limit: number },
): Promise<LiveAuditRow[]> {
  return db
    .select({ ...auditListColumns, seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(buildAuditWhere(opts.orgId, opts.filters), gt(auditEvents.seq, opts.afterSeq), lte(auditEvents.seq, opts.throughSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(opts.limit + 1) as Promise<LiveAuditRow[]>;
}

/**
 * The chain heads of the given organizations, in one primary-key read (the live-tail hub's check for appends whose
 * notification it missed while its listening connection was down). Tenancy: exactly the listed organizations.
 */
export async function listChainHeadSeqs(db: DbOrTx, orgIds: readonly string[]): Promise<{ orgId: string; seq: number }[]> {
  if (orgIds.length === 0) return [];
  return db
    .select({ orgId: auditChainHeads.orgId, seq: auditChainHeads.seq })
    .from(auditChainHeads)
    .where(inArray(auditChainHeads.orgId, [...orgIds]));
}
