/** The parts of Emscripten's in-memory file system (MEMFS) that PGlite exposes as `Module.MEMFS`. */
type MemfsNode = { contents: Uint8Array | null; usedBytes: number };
export type Memfs = {
  expandFileStorage(node: MemfsNode, capacity: number): void;
  resizeFileStorage(node: MemfsNode, size: number): void;
};

const patched = new WeakSet<Memfs>();

/**
 * Makes growing a file by truncation as cheap in the embedded database's in-memory file system as growing it by a
 * write. PostgreSQL extends a table by several blocks at once with posix_fallocate (COPY, bulk inserts); PGlite's
 * Emscripten runtime turns that into ftruncate, and MEMFS's ftruncate allocates a buffer of exactly the new size
 * and copies the whole file into it: every extension of a table copied the whole table (a 100,000-event database
 * spent 70% of its ingest time there, and the rate kept falling as the tables grew, issue 17). Growing now goes
 * through MEMFS's own write path instead, which keeps spare capacity (×1.125 past 1 MB), so a file is copied only
 * now and then; the bytes added read as zeros, as before. Shrinking is left as it was. Idempotent.
 */
export function growFilesInPlace(memfs: Memfs | undefined): void {
  // A PGlite whose runtime no longer has these keeps its own behaviour (tests/integration/embedded-file-growth.test.ts
  // notices the lost spare capacity); the database must open either way.
  if (!memfs || typeof memfs.expandFileStorage !== 'function' || typeof memfs.resizeFileStorage !== 'function') return;
  if (patched.has(memfs)) return;
  patched.add(memfs);
  const resize = memfs.resizeFileStorage.bind(memfs);
  memfs.resizeFileStorage = (node, size) => {
    if (!(node.contents instanceof Uint8Array) || size <= node.usedBytes) {
      resize(node, size);
      return;
    }
    memfs.expandFileStorage(node, size);
    node.contents.fill(0, node.usedBytes, size);
    node.usedBytes = size;
  };
}
