import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditEvents } from '@/db/schema/audit-events';

/** The lowest seq of the organization's entries at or after `cutoff` (null: none). Tenancy: scoped by `orgId`. */
export async function getFirstSeqSince(tx: Tx, orgId: string, cutoff: Date): Promise<number | null> {
  const [first] = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), gte(auditEvents.occurredAt, cutoff)))
    .orderBy(asc(auditEvents.seq))
    .limit(1);
  return first ? first.seq : null;
}

/** The chain hash of the organization's entry at `seq` (null: no such entry). Tenancy: scoped by `orgId`. */
export async function getEntryHashAt(tx: Tx, orgId: string, seq: number): Promise<string | null> {
  const [row] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.seq, seq)));
  return row ? row.hash : null;
}

/** A retention anchor as retention signs it (lib/chain/anchor-signing.ts). */
export type SignedAnchor = { seq: number; hash: string; signedAt: Date; signature: string; keyFingerprint: string; merkleRange: string | null };

/**
 * Moves the organization's chain anchor to `anchor` (the last entry retention removes) through drizzle/0012's
 * SECURITY DEFINER function: refused on legal hold, for an entry that is not there with that hash, or backwards.
 * Tenancy: scoped by `orgId`. Transaction: the caller's, holding the organization's chain head.
 */
export async function setRetentionAnchor(tx: Tx, orgId: string, anchor: SignedAnchor): Promise<void> {
  await tx.execute(
    sql`select audit_set_retention_anchor(${orgId}::uuid, ${anchor.seq}::bigint, ${anchor.hash}, ${anchor.signedAt.toISOString()}::timestamptz, ${anchor.signature}, ${anchor.keyFingerprint}, ${anchor.merkleRange})`,
  );
}

/**
 * Deletes the organization's entries up to its anchor (and nothing else) through drizzle/0012's SECURITY DEFINER
 * function; returns how many went. Tenancy: scoped by `orgId`. Transaction: the anchor's.
 */
export async function deleteEntriesThroughAnchor(tx: Tx, orgId: string): Promise<number> {
  const [row] = rowsOf<{ n: string | number }>(await tx.execute(sql`select audit_retention_delete(${orgId}::uuid) as n`));
  return Number(row?.n ?? 0);
}
