import { createHash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing over an organization's entries: leaf i is entry #i+1 and its data is the
 * entry's 32-byte chain hash (which covers the entry's whole canonical content). Pure functions; no I/O.
 */

export type Hash = Buffer;

/** MTH of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** SHA-256(0x00 || data): the RFC 6962 leaf hash. */
export function hashLeafData(data: Buffer): Hash {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest();
}

/** The leaf hash of an entry: its 32-byte chain hash as the leaf data. */
export function leafHash(entryHashHex: string): Hash {
  return hashLeafData(Buffer.from(entryHashHex, 'hex'));
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** The largest power of two strictly below n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A complete, aligned subtree: `2^level` leaves starting at leaf `index * 2^level`. */
export type Subtree = { level: number; index: number };

/** The complete subtrees MTH(D[lo:hi]) is built from, largest (leftmost) first, for lo aligned as RFC 6962 splits it. */
export function subtreesOf(lo: number, hi: number): Subtree[] {
  const out: Subtree[] = [];
  while (hi > lo) {
    const n = hi - lo;
    let size = 1;
    while (size * 2 <= n) size *= 2;
    let level = 0;
    while (2 ** level < size) level += 1;
    out.push({ level, index: lo / size });
    lo += size;
  }
  return out;
}

/** Folds the roots of subtreesOf(lo, hi) (in that order) into MTH(D[lo:hi]). */
export function foldRoots(roots: Hash[]): Hash {
  if (roots.length === 0) return EMPTY_ROOT;
  let h = roots[roots.length - 1]!;
  for (let i = roots.length - 2; i >= 0; i--) h = nodeHash(roots[i]!, h);
  return h;
}

/**
 * The compact range of a tree of `size` leaves: the roots of subtreesOf(0, size). Enough to compute the root and to
 * append further leaves, O(log n) hashes.
 */
export class CompactRange {
  constructor(
    public size = 0,
    public roots: Hash[] = [],
  ) {}

  append(leaf: Hash): void {
    this.roots.push(leaf);
    this.size += 1;
    // Merge equal-sized neighbours: one merge per trailing 1 bit of the old size.
    for (let s = this.size; s % 2 === 0; s /= 2) {
      const right = this.roots.pop()!;
      const left = this.roots.pop()!;
      this.roots.push(nodeHash(left, right));
    }
  }

  root(): Hash {
    return foldRoots(this.roots);
  }

  clone(): CompactRange {
    return new CompactRange(this.size, [...this.roots]);
  }

  /** "size:hex,hex,…" as stored in merkle_range columns and signed into retention anchors. */
  serialize(): string {
    return `${this.size}:${this.roots.map((r) => r.toString('hex')).join(',')}`;
  }

  static parse(text: string): CompactRange {
    const [size, list = ''] = text.split(':');
    const range = new CompactRange(Number(size), list ? list.split(',').map((h) => Buffer.from(h, 'hex')) : []);
    if (!Number.isSafeInteger(range.size) || range.roots.length !== subtreesOf(0, range.size).length || range.roots.some((r) => r.length !== 32)) {
      throw new Error('malformed Merkle range');
    }
    return range;
  }
}

/** Where a proof's hashes come from: MTH(D[lo:hi]) for the ranges the proof needs. */
export type RangeHasher = (lo: number, hi: number) => Hash;

/** The ranges whose MTH make up the RFC 6962 audit path of leaf m in a tree of n leaves, in proof order. */
export function inclusionRanges(m: number, n: number, lo = 0): [number, number][] {
  if (n <= 1) return [];
  const k = splitPoint(n);
  return m < k ? [...inclusionRanges(m, k, lo), [lo + k, lo + n]] : [...inclusionRanges(m - k, n - k, lo + k), [lo, lo + k]];
}

/** The ranges whose MTH make up the RFC 6962 consistency proof from size m to size n, in proof order. */
export function consistencyRanges(m: number, n: number): [number, number][] {
  if (m <= 0 || m >= n) return [];
  const sub = (m: number, n: number, lo: number, whole: boolean): [number, number][] => {
    if (m === n) return whole ? [] : [[lo, lo + n]];
    const k = splitPoint(n);
    return m <= k ? [...sub(m, k, lo, whole), [lo + k, lo + n]] : [...sub(m - k, n - k, lo + k, false), [lo, lo + k]];
  };
  return sub(m, n, 0, true);
}

const lsb = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** RFC 9162 2.1.3.2: true when `proof` shows leaf `index` (its leaf hash `leaf`) in the tree of `size` with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: Hash[], root: Hash): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: true when `proof` shows the tree (size2, root2) extends the tree (size1, root1). */
export function verifyConsistency(size1: number, size2: number, root1: Hash, root2: Hash, proof: Hash[]): boolean {
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (size1 === 0) return proof.length === 0;
  if (size1 > size2 || proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(size1)) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

/** MTH over explicit leaf hashes (tests and small trees). */
export function rootOfLeaves(leaves: Hash[]): Hash {
  const range = new CompactRange();
  for (const l of leaves) range.append(l);
  return range.root();
}
