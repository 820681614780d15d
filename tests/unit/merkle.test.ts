import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyRanges,
  EMPTY_ROOT,
  foldRoots,
  hashLeafData,
  inclusionRanges,
  rootOfLeaves,
  subtreesOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '@/lib/chain/merkle';

// The Certificate Transparency reference tree (RFC 6962 test data used by the CT and transparency-dev projects).
const DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [leaf index (0-based), tree size, audit path]
const INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];

const LEAVES = DATA.map(hashLeafData);
const hex = (h: Hash) => h.toString('hex');
const proofFor = (ranges: [number, number][], leaves: Hash[]) => ranges.map(([lo, hi]) => rootOfLeaves(leaves.slice(lo, hi)));

describe('Merkle tree (RFC 6962 hashing)', () => {
  it('matches the reference roots for every size 0..8, built leaf by leaf', () => {
    expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
    const range = new CompactRange();
    for (let n = 1; n <= 8; n++) {
      range.append(LEAVES[n - 1]!);
      expect(hex(range.root())).toBe(ROOTS[n]);
      expect(CompactRange.parse(range.serialize()).root().equals(range.root())).toBe(true);
    }
  });

  it('generates and verifies the reference inclusion proofs; a changed leaf or root fails', () => {
    for (const [index, size, path] of INCLUSION) {
      const proof = proofFor(inclusionRanges(index, size), LEAVES.slice(0, size));
      expect(proof.map(hex)).toEqual(path);
      const root = Buffer.from(ROOTS[size]!, 'hex');
      expect(verifyInclusion(index, size, LEAVES[index]!, proof, root)).toBe(true);
      expect(verifyInclusion(index, size, LEAVES[(index + 1) % size]!, proof, root)).toBe(false);
      expect(verifyInclusion(index, size, LEAVES[index]!, proof, EMPTY_ROOT)).toBe(false);
    }
  });

  it('generates and verifies the reference consistency proofs; a wrong old root fails', () => {
    for (const [m, n, path] of CONSISTENCY) {
      const proof = proofFor(consistencyRanges(m, n), LEAVES.slice(0, n));
      expect(proof.map(hex)).toEqual(path);
      const [r1, r2] = [Buffer.from(ROOTS[m]!, 'hex'), Buffer.from(ROOTS[n]!, 'hex')];
      expect(verifyConsistency(m, n, r1, r2, proof)).toBe(true);
      if (m !== n) expect(verifyConsistency(m, n, Buffer.from(ROOTS[m + 1]!, 'hex'), r2, proof)).toBe(false);
    }
  });

  it('round-trips every proof on every tree shape up to 70 leaves', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => hashLeafData(Buffer.from([i, i >> 3])));
    const roots = Array.from({ length: 71 }, (_, n) => rootOfLeaves(leaves.slice(0, n)));
    for (let n = 1; n <= 70; n++) {
      // The subtree decomposition folds into the same root.
      expect(foldRoots(subtreesOf(0, n).map((s) => rootOfLeaves(leaves.slice(s.index * 2 ** s.level, (s.index + 1) * 2 ** s.level))))).toEqual(roots[n]);
      for (let i = 0; i < n; i++) expect(verifyInclusion(i, n, leaves[i]!, proofFor(inclusionRanges(i, n), leaves), roots[n]!)).toBe(true);
      for (let m = 1; m <= n; m++) expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proofFor(consistencyRanges(m, n), leaves))).toBe(true);
    }
  });
});
