import type { DbOrTx, Tx } from '@/db/client';
import { getLatestChainAnchor } from '@/db/queries/chain-head';
import { getMerkleState, listEntryLinks, loadMerkleTiles, saveMerkleState, saveMerkleTiles } from '@/db/queries/chain-merkle';
import { GENESIS_HASH } from '@/lib/chain/entry-hash';
import { CompactRange, consistencyRanges, inclusionRanges, leafHash, subtreesOf, type Hash } from '@/lib/chain/merkle';
import { appendFrontier, appendLeaves, rangeHash, subtreeHash, tilesFor, type Tiles } from '@/lib/chain/merkle-tiles';

/** The chain cannot be folded into the tree: a gap or a broken link (the checkpointer then signs nothing). */
export class TreeBroken extends Error {}

const BATCH = 10_000;

/**
 * Brings the organization's Merkle tree up to entry #throughSeq: reads seq, prev_hash and hash of the entries past the
 * built size (each must be the next seq and link to its predecessor), appends their leaves to the tiles and stores
 * the new state. Null when the tree cannot exist: entries were removed by retention before it was first built.
 * Lock: the caller holds lockMerkleTree. Tenancy: `orgId` only.
 */
export async function advanceTree(tx: Tx, orgId: string, throughSeq: number): Promise<CompactRange | null> {
  const state = await getMerkleState(tx, orgId);
  if (!state && (await getLatestChainAnchor(tx, orgId))) return null;
  let size = state?.size ?? 0;
  let chainHash = state?.chainHash ?? GENESIS_HASH;
  const range = state ? CompactRange.parse(state.merkleRange) : new CompactRange();
  if (throughSeq <= size) return range;
  const tiles: Tiles = await loadMerkleTiles(tx, orgId, appendFrontier(size));
  const changed = new Set<string>();
  while (size < throughSeq) {
    const rows = await listEntryLinks(tx, orgId, size, throughSeq, BATCH);
    if (rows.length === 0) break;
    const leaves: Hash[] = [];
    const from = size;
    for (const row of rows) {
      if (row.seq !== size + 1) throw new TreeBroken(`entry #${size + 1} is missing`);
      if (row.prevHash !== chainHash) throw new TreeBroken(`entry #${row.seq} does not link to #${size}`);
      const leaf = leafHash(row.hash);
      leaves.push(leaf);
      range.append(leaf);
      size = row.seq;
      chainHash = row.hash;
    }
    for (const key of appendLeaves(tiles, from, leaves)) changed.add(key);
  }
  if (size < throughSeq) throw new TreeBroken(`entries #${size + 1}–#${throughSeq} are missing`);
  await saveMerkleTiles(
    tx,
    orgId,
    [...changed].map((key) => {
      const [level, idx] = key.split('/').map(Number) as [number, number];
      return { level, idx, hashes: tiles.get(key)! };
    }),
  );
  await saveMerkleState(tx, orgId, { size, chainHash, merkleRange: range.serialize() });
  return range;
}

/** Loads the tiles holding MTH(D[lo:hi]) for every range. */
async function tilesForRanges(db: DbOrTx, orgId: string, ranges: [number, number][]): Promise<Tiles> {
  return loadMerkleTiles(db, orgId, tilesFor(ranges.flatMap(([lo, hi]) => subtreesOf(lo, hi))));
}

/** The compact range of the tree at `size` (<= the built size), from the tiles. Tenancy: `orgId` only. */
export async function rangeAt(db: DbOrTx, orgId: string, size: number): Promise<CompactRange> {
  const subtrees = subtreesOf(0, size);
  const tiles = await loadMerkleTiles(db, orgId, tilesFor(subtrees));
  return new CompactRange(
    size,
    subtrees.map((s) => subtreeHash(tiles, s)),
  );
}

/** The audit path of leaf `index` in the tree of `size` leaves, from the tiles (a few rows). Tenancy: `orgId` only. */
export async function inclusionProof(db: DbOrTx, orgId: string, index: number, size: number): Promise<Hash[]> {
  const ranges = inclusionRanges(index, size);
  const tiles = await tilesForRanges(db, orgId, ranges);
  return ranges.map(([lo, hi]) => rangeHash(tiles, lo, hi));
}

/** The consistency proof from the tree of `m` leaves to the tree of `n`, from the tiles. Tenancy: `orgId` only. */
export async function consistencyProof(db: DbOrTx, orgId: string, m: number, n: number): Promise<Hash[]> {
  const ranges = consistencyRanges(m, n);
  const tiles = await tilesForRanges(db, orgId, ranges);
  return ranges.map(([lo, hi]) => rangeHash(tiles, lo, hi));
}

/** Audit paths of several leaves in the tree of `size` leaves, loading every tile they need in one query. */
export async function inclusionProofs(db: DbOrTx, orgId: string, indices: number[], size: number): Promise<Hash[][]> {
  const paths = indices.map((i) => inclusionRanges(i, size));
  const tiles = await tilesForRanges(db, orgId, paths.flat());
  return paths.map((ranges) => ranges.map(([lo, hi]) => rangeHash(tiles, lo, hi)));
}
