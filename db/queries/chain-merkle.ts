import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditMerkleState, auditMerkleTiles } from '@/db/schema/audit-chain';
import { auditEvents } from '@/db/schema/audit-events';

export type MerkleState = { size: number; chainHash: string; merkleRange: string };

/** How far the organization's Merkle tree is built, if at all. Tenancy: `orgId` only. */
export async function getMerkleState(db: DbOrTx, orgId: string): Promise<MerkleState | undefined> {
  const [row] = await db
    .select({ size: auditMerkleState.size, chainHash: auditMerkleState.chainHash, merkleRange: auditMerkleState.merkleRange })
    .from(auditMerkleState)
    .where(eq(auditMerkleState.orgId, orgId));
  return row;
}

/** Stores how far the tree is built. Lock: the caller holds lockMerkleTree. Tenancy: `orgId` only. */
export async function saveMerkleState(tx: Tx, orgId: string, state: MerkleState): Promise<void> {
  await tx
    .insert(auditMerkleState)
    .values({ orgId, ...state })
    .onConflictDoUpdate({ target: auditMerkleState.orgId, set: state });
}

/** The organization's tiles with these keys (missing ones are left out), keyed "level/idx". Tenancy: `orgId` only. */
export async function loadMerkleTiles(db: DbOrTx, orgId: string, keys: { level: number; idx: number }[]): Promise<Map<string, Buffer>> {
  if (keys.length === 0) return new Map();
  const wanted = sql.join(
    keys.map((k) => sql`(${k.level}::smallint, ${k.idx}::bigint)`),
    sql`, `,
  );
  const rows = await db
    .select({ level: auditMerkleTiles.level, idx: auditMerkleTiles.idx, hashes: auditMerkleTiles.hashes })
    .from(auditMerkleTiles)
    .where(and(eq(auditMerkleTiles.orgId, orgId), sql`(${auditMerkleTiles.level}, ${auditMerkleTiles.idx}) in (${wanted})`));
  return new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hashes]));
}

/** Writes tiles (a partial tile only ever grows). Lock: the caller holds lockMerkleTree. Tenancy: `orgId` only. */
export async function saveMerkleTiles(tx: Tx, orgId: string, tiles: { level: number; idx: number; hashes: Buffer }[]): Promise<void> {
  for (let i = 0; i < tiles.length; i += 500) {
    await tx
      .insert(auditMerkleTiles)
      .values(tiles.slice(i, i + 500).map((t) => ({ orgId, ...t })))
      .onConflictDoUpdate({ target: [auditMerkleTiles.orgId, auditMerkleTiles.level, auditMerkleTiles.idx], set: { hashes: sql`excluded.hashes` } });
  }
}

/** seq, prev_hash and hash of the organization's entries afterSeq < seq <= throughSeq, in seq order. Tenancy: `orgId` only. */
export function listEntryLinks(db: DbOrTx, orgId: string, afterSeq: number, throughSeq: number, limit: number) {
  return db
    .select({ seq: auditEvents.seq, prevHash: auditEvents.prevHash, hash: auditEvents.hash })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), gt(auditEvents.seq, afterSeq), lte(auditEvents.seq, throughSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
}

const lockKey = (orgId: string) => sql`hashtextextended(${`audit_merkle:${orgId}`}::text, 0)`;

/**
 * Takes the organization's tree lock for the rest of `tx`: one builder of its Merkle tree and signer of its checkpoints
 * at a time, across every instance sharing the database. Lock order: before the organization row and chain head.
 */
export async function lockMerkleTree(tx: Tx, orgId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(orgId)})`);
}

/** As lockMerkleTree, but false at once when another transaction holds it (the scheduled run then skips the org). */
export async function tryLockMerkleTree(tx: Tx, orgId: string): Promise<boolean> {
  const result = await tx.execute(sql`select pg_try_advisory_xact_lock(${lockKey(orgId)}) as locked`);
  return rowsOf<{ locked: boolean }>(result)[0]?.locked === true;
}
