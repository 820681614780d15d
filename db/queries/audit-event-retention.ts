import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { auditChainAnchors } from '@/db/schema/audit-chain';
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

/**
 * Deletes the organization's entries up to and including `through` and returns how many went. The append-only
 * trigger lets exactly this transaction delete (SET LOCAL ends with it). Tenancy: scoped by `orgId`.
 * Transaction: the caller's, holding the organization's chain head.
 */
export async function deleteEntriesThrough(tx: Tx, orgId: string, through: number): Promise<number> {
  await tx.execute(sql`select set_config('audit.retention', 'on', true)`);
  const deleted = await tx
    .delete(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), lte(auditEvents.seq, through)))
    .returning({ seq: auditEvents.seq });
  return deleted.length;
}

/**
 * Moves the organization's chain anchor to (`seq`, `hash`), the last removed entry. One anchor per organization:
 * older ones point into entries that no longer exist. Tenancy: scoped by `orgId`. Transaction: the deletion's.
 */
export async function replaceChainAnchor(tx: Tx, orgId: string, seq: number, hash: string): Promise<void> {
  await tx.delete(auditChainAnchors).where(and(eq(auditChainAnchors.orgId, orgId), lt(auditChainAnchors.seq, seq)));
  await tx
    .insert(auditChainAnchors)
    .values({ orgId, seq, hash })
    .onConflictDoUpdate({ target: [auditChainAnchors.orgId, auditChainAnchors.seq], set: { hash } });
}
