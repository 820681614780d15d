import { describe, expect, it } from 'vitest';
import { consistencyRanges, hashLeafData, inclusionRanges, rootOfLeaves, subtreesOf, verifyConsistency, verifyInclusion } from '@/lib/chain/merkle';
import { appendFrontier, appendLeaves, rangeHash, subtreeHash, tileKeyString, type Tiles } from '@/lib/chain/merkle-tiles';

describe('Merkle tiles', () => {
  it('built in uneven batches, they give the same roots and proofs as the plain tree (past one full level-1 tile)', () => {
    const n = 256 * 256 + 300;
    const leaves = Array.from({ length: n }, (_, i) => hashLeafData(Buffer.from(String(i))));
    const tiles: Tiles = new Map();
    let size = 0;
    for (const batch of [1, 255, 1000, 64_000, 617, n]) {
      const take = Math.min(batch, n - size);
      if (take <= 0) break;
      // Only the frontier tiles are needed to append: drop the rest to prove it.
      const frontier = new Map(
        appendFrontier(size)
          .map((k) => [tileKeyString(k), tiles.get(tileKeyString(k))!] as const)
          .filter(([, v]) => v),
      );
      appendLeaves(frontier, size, leaves.slice(size, size + take));
      for (const [k, v] of frontier) tiles.set(k, v);
      size += take;
    }
    expect(size).toBe(n);
    for (const m of [1, 2, 255, 256, 257, 65_536, 65_537, n]) {
      expect(rangeHash(tiles, 0, m).equals(rootOfLeaves(leaves.slice(0, m)))).toBe(true);
    }
    const root = rangeHash(tiles, 0, n);
    for (const i of [0, 255, 256, 65_535, 65_536, n - 1]) {
      const proof = inclusionRanges(i, n).map(([lo, hi]) => rangeHash(tiles, lo, hi));
      expect(verifyInclusion(i, n, leaves[i]!, proof, root)).toBe(true);
    }
    const m = 65_600;
    const proof = consistencyRanges(m, n).map(([lo, hi]) => rangeHash(tiles, lo, hi));
    expect(verifyConsistency(m, n, rangeHash(tiles, 0, m), root, proof)).toBe(true);
    expect(subtreesOf(0, n).map((s) => subtreeHash(tiles, s).length)).toEqual([32, 32, 32, 32, 32]);
  });
});
