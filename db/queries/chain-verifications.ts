import { eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditChainVerifications } from '@/db/schema/audit-chain-verifications';

/** How far an organization's chain is known intact, and the last verification's result (stored as given). */
export type StoredVerification = { seq: number; hash: string; ok: boolean; result: unknown; verifiedAt: Date };

/** The organization's last stored verification, if any. Tenancy: `orgId` only. */
export async function getStoredVerification(db: DbOrTx, orgId: string): Promise<StoredVerification | undefined> {
  const [row] = await db
    .select({
      seq: auditChainVerifications.seq,
      hash: auditChainVerifications.hash,
      ok: auditChainVerifications.ok,
      result: auditChainVerifications.result,
      verifiedAt: auditChainVerifications.verifiedAt,
    })
    .from(auditChainVerifications)
    .where(eq(auditChainVerifications.orgId, orgId));
  return row;
}

/** Stores (or replaces) the organization's verification. Lock: the caller holds lockChainVerification in `tx`. */
export async function saveVerification(tx: Tx, orgId: string, v: StoredVerification): Promise<void> {
  await tx
    .insert(auditChainVerifications)
    .values({ orgId, ...v })
    .onConflictDoUpdate({ target: auditChainVerifications.orgId, set: { seq: v.seq, hash: v.hash, ok: v.ok, result: v.result, verifiedAt: v.verifiedAt } });
}

/**
 * Takes the organization's verification lock for the rest of `tx`, unless another transaction holds it (then
 * false, at once: verifications never queue up). A transaction-scoped advisory lock: released by COMMIT or
 * ROLLBACK, also when the connection is lost. Tenancy: one lock per `orgId`.
 */
export async function tryLockChainVerification(tx: Tx, orgId: string): Promise<boolean> {
  const result = await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${`audit_chain_verification:${orgId}`}::text, 0)) as locked`);
  return rowsOf<{ locked: boolean }>(result)[0]?.locked === true;
}

/** Waits for the organization's verification lock and holds it for the rest of `tx` (the first run of an org). */
export async function lockChainVerification(tx: Tx, orgId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`audit_chain_verification:${orgId}`}::text, 0))`);
}
