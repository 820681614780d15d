import { nodeHash, subtreesOf, type Hash, type Subtree } from '@/lib/chain/merkle';

/**
 * The Merkle tree stored as tiles (the C2SP tlog-tiles layout): tile (level t, index i) holds the hashes of tree level
 * 8t, nodes 256i .. 256i+255, concatenated (32 bytes each); the last tile of a level may be partial. Leaves are level 0.
 * Any complete subtree's hash is at most 255 hashes of one tile away, so a proof at 10M entries reads a handful of
 * tiles. Pure: the caller loads and stores the tiles (lib/chain/merkle-store.ts).
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
const HASH = 32;

export type TileKey = { level: number; idx: number };
export const tileKeyString = (k: TileKey) => `${k.level}/${k.idx}`;

/** Tiles in memory, by tileKeyString. */
export type Tiles = Map<string, Buffer>;

/** The nodes of tree level 8t that exist in a tree of `size` leaves. */
const nodesAt = (t: number, size: number) => Math.floor(size / 2 ** (TILE_HEIGHT * t));

/** The tile each level's next node goes into: what an append to a tree of `size` leaves needs loaded. */
export function appendFrontier(size: number): TileKey[] {
  const keys: TileKey[] = [];
  for (let t = 0; t === 0 || nodesAt(t, size) > 0; t++) keys.push({ level: t, idx: Math.floor(nodesAt(t, size) / TILE_WIDTH) });
  return keys;
}

/** The tile and slice holding the level-8t nodes under a complete subtree. */
function locate(s: Subtree): { key: TileKey; offset: number; count: number } {
  const t = Math.floor(s.level / TILE_HEIGHT);
  const r = s.level % TILE_HEIGHT;
  const first = s.index * 2 ** r;
  return { key: { level: t, idx: Math.floor(first / TILE_WIDTH) }, offset: first % TILE_WIDTH, count: 2 ** r };
}

/** The tiles whose hashes make up the given subtrees. */
export function tilesFor(subtrees: Subtree[]): TileKey[] {
  const seen = new Map<string, TileKey>();
  for (const s of subtrees) {
    const { key } = locate(s);
    seen.set(tileKeyString(key), key);
  }
  return [...seen.values()];
}

/** Hashes `count` (a power of two) consecutive node hashes into their subtree root. */
function foldRun(bytes: Buffer): Hash {
  let level: Hash[] = [];
  for (let i = 0; i < bytes.length; i += HASH) level.push(bytes.subarray(i, i + HASH));
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return Buffer.from(level[0]!);
}

/** A complete subtree's hash from loaded tiles; throws when they do not reach that far (the tree was not built yet). */
export function subtreeHash(tiles: Tiles, s: Subtree): Hash {
  const { key, offset, count } = locate(s);
  const tile = tiles.get(tileKeyString(key));
  if (!tile || tile.length < (offset + count) * HASH) throw new Error(`Merkle tile ${tileKeyString(key)} does not cover node ${s.level}/${s.index}`);
  return foldRun(tile.subarray(offset * HASH, (offset + count) * HASH));
}

/** MTH(D[lo:hi]) from loaded tiles. */
export function rangeHash(tiles: Tiles, lo: number, hi: number): Hash {
  const roots = subtreesOf(lo, hi).map((s) => subtreeHash(tiles, s));
  let h = roots[roots.length - 1]!;
  for (let i = roots.length - 2; i >= 0; i--) h = nodeHash(roots[i]!, h);
  return h;
}

/**
 * Appends leaf hashes to a tree of `size` leaves whose frontier tiles (appendFrontier) are in `tiles`; a tile that
 * fills up pushes its root one tile level up. Returns the keys of the tiles it changed.
 */
export function appendLeaves(tiles: Tiles, size: number, leaves: Hash[]): Set<string> {
  // Each touched tile grows in a list of chunks, joined once at the end (joining per hash would copy the tile 256 times).
  const growing = new Map<string, { chunks: Buffer[]; width: number }>();
  const put = (t: number, index: number, hash: Hash) => {
    const key = tileKeyString({ level: t, idx: Math.floor(index / TILE_WIDTH) });
    let tile = growing.get(key);
    if (!tile) {
      const stored = tiles.get(key) ?? Buffer.alloc(0);
      tile = { chunks: [stored], width: stored.length / HASH };
      growing.set(key, tile);
    }
    if (tile.width !== index % TILE_WIDTH) throw new Error(`Merkle tile ${key} is not at node ${index}`);
    tile.chunks.push(hash);
    tile.width += 1;
    if (tile.width === TILE_WIDTH) put(t + 1, Math.floor(index / TILE_WIDTH), foldRun(Buffer.concat(tile.chunks)));
  };
  leaves.forEach((leaf, i) => put(0, size + i, leaf));
  for (const [key, tile] of growing) tiles.set(key, Buffer.concat(tile.chunks));
  return new Set(growing.keys());
}
