import { desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditChainAnchors, auditChainHeads } from '@/db/schema/audit-chain';

/** An organization's chain head: the newest entry's seq and hash. */
export type ChainHead = { seq: number; hash: string };

/**
 * The head row locked FOR UPDATE until `tx` ends, after a key-share lock on its organization row; undefined
 * before the first append. Lock: this is what keeps seq gap-free. Tenancy: `orgId` only.
 */
export async function selectChainHeadForUpdate(tx: Tx, orgId: string): Promise<ChainHead | undefined> {
  // The organization row is held (key share) before the head (the CTE is evaluated first): an organization cannot
  // disappear under its appends (audit_events has no foreign key, drizzle/0011), and one lock order (organization,
  // then head) means a mutation that locked its organization row first (settings) cannot deadlock with an appender.
  const result = await tx.execute(sql`
    with org as (select id from organizations where id = ${orgId} for key share)
    select h.seq::text as seq, h.hash from audit_chain_heads h where h.org_id = (select id from org) for update of h`);
  const [head] = rowsOf<{ seq: string; hash: string }>(result);
  return head && { seq: Number(head.seq), hash: head.hash };
}

/** Creates the organization's head at `head` unless it exists (a concurrent first append may win). Tenancy: `orgId`. */
export async function insertChainHeadIfMissing(tx: Tx, orgId: string, head: ChainHead): Promise<void> {
  await tx
    .insert(auditChainHeads)
    .values({ orgId, ...head })
    .onConflictDoNothing();
}

/** Moves the organization's head. Lock: the caller holds it (selectChainHeadForUpdate in the same `tx`). */
export async function updateChainHead(tx: Tx, orgId: string, head: ChainHead): Promise<void> {
  await tx.update(auditChainHeads).set(head).where(eq(auditChainHeads.orgId, orgId));
}

/** The organization's head as committed, no lock (readers vouch for a prefix of the chain). Tenancy: `orgId`. */
export async function getChainHead(db: DbOrTx, orgId: string): Promise<ChainHead | undefined> {
  const [head] = await db.select({ seq: auditChainHeads.seq, hash: auditChainHeads.hash }).from(auditChainHeads).where(eq(auditChainHeads.orgId, orgId));
  return head;
}

/** The organization's newest retention anchor (where its chain now starts), if any. Tenancy: `orgId`. */
export async function getLatestChainAnchor(db: DbOrTx, orgId: string) {
  const [anchor] = await db.select().from(auditChainAnchors).where(eq(auditChainAnchors.orgId, orgId)).orderBy(desc(auditChainAnchors.seq)).limit(1);
  return anchor;
}
