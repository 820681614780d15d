import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '@/db/client';
import { growFilesInPlace, type Memfs } from '@/db/pglite-file-growth';

// Every PGlite the code under test creates, to look at its file system.
const created = vi.hoisted(() => [] as unknown[]);
vi.mock('@electric-sql/pglite', async (importOriginal) => {
  const real = await importOriginal<typeof import('@electric-sql/pglite')>();
  class Captured extends real.PGlite {
    static override async create(...args: Parameters<typeof real.PGlite.create>) {
      const pg = await real.PGlite.create(...args);
      created.push(pg);
      return pg;
    }
  }
  return { ...real, PGlite: Captured };
});

// Only the embedded database keeps its files in memory (Emscripten's MEMFS); a server's files are the OS's.
type Module = { MEMFS: Memfs; FS: { lookupPath(path: string): { node: { contents: Uint8Array; usedBytes: number } } } };

const COPIES = 60;
const ROWS_PER_COPY = 1000;

/**
 * Fills a table with COPY (PostgreSQL extends it by many blocks at once, with posix_fallocate) and counts, after each
 * COPY, whether its file grew and whether its buffer was replaced (the whole file copied into a new one).
 */
async function fill(grownInPlace: boolean) {
  const pg = await PGlite.create('memory://');
  const mod = (pg as unknown as { Module: Module }).Module;
  if (grownInPlace) growFilesInPlace(mod.MEMFS);
  try {
    await pg.exec('create table t (n int primary key, label text not null)');
    const [where] = (await pg.query<{ file: string }>(`select current_setting('data_directory') || '/' || pg_relation_filepath('t') as file`)).rows;
    let grown = 0;
    let replaced = 0;
    let last = mod.FS.lookupPath(where!.file).node;
    let [buffer, size] = [last.contents, last.usedBytes];
    for (let c = 0; c < COPIES; c++) {
      const lines = Array.from({ length: ROWS_PER_COPY }, (_, i) => `${c * ROWS_PER_COPY + i}\tevent ${c * ROWS_PER_COPY + i} ${'x'.repeat(80)}\n`);
      await pg.query(`copy t from '/dev/blob'`, [], { blob: new Blob([lines.join('')]) });
      last = mod.FS.lookupPath(where!.file).node;
      if (last.usedBytes !== size) grown++;
      if (last.contents !== buffer) replaced++;
      [buffer, size] = [last.contents, last.usedBytes];
    }
    const [check] = (
      await pg.query<{ rows: number; sum: string; sample: string }>(
        `select count(*)::int as rows, sum(n)::text as sum, (select label from t where n = 31337) as sample from t`,
      )
    ).rows;
    return { grown, replaced, check };
  } finally {
    await pg.close();
  }
}

describe('the embedded database growing its files', () => {
  it('extends a table without copying the whole file at each extension, and keeps every row', async () => {
    const before = await fill(false);
    const after = await fill(true);
    const total = COPIES * ROWS_PER_COPY;
    const expected = { rows: total, sum: String((total * (total - 1)) / 2), sample: `event 31337 ${'x'.repeat(80)}` };
    expect(before.check).toEqual(expected);
    expect(after.check).toEqual(expected);
    // MEMFS's ftruncate replaced the file's buffer on every extension: the cost grew with the table (issue 17).
    expect(before.grown).toBeGreaterThanOrEqual(COPIES - 1);
    expect(before.replaced).toBe(before.grown);
    // Growing in place keeps spare capacity: most extensions now fit in the buffer the file already has.
    expect(after.grown).toBe(before.grown);
    expect(after.replaced).toBeLessThan(after.grown / 2);
  }, 120_000);

  it('still shrinks files and reads the bytes a growth adds as zeros', async () => {
    const pg = await PGlite.create('memory://');
    try {
      const mod = (
        pg as unknown as {
          Module: Module & { FS: { writeFile(p: string, d: Uint8Array): void; truncate(p: string, n: number): void; readFile(p: string): Uint8Array } };
        }
      ).Module;
      growFilesInPlace(mod.MEMFS);
      growFilesInPlace(mod.MEMFS); // idempotent
      mod.FS.writeFile('/tmp/grow', new Uint8Array(3_000_000).fill(7));
      mod.FS.truncate('/tmp/grow', 1_000);
      mod.FS.truncate('/tmp/grow', 2_000_000);
      const data = mod.FS.readFile('/tmp/grow');
      expect(data.length).toBe(2_000_000);
      expect(data.subarray(0, 1_000).every((b) => b === 7)).toBe(true);
      expect(data.subarray(1_000).every((b) => b === 0)).toBe(true);
    } finally {
      await pg.close();
    }
  });

  it('is how the app opens its embedded database', async () => {
    const handle = await openDatabase({ pgliteDir: 'memory://' });
    try {
      const mod = (created.at(-1) as { Module: Module & { FS: { writeFile(p: string, d: Uint8Array): void; truncate(p: string, n: number): void } } }).Module;
      mod.FS.writeFile('/tmp/grow', new Uint8Array(2_000_000));
      mod.FS.truncate('/tmp/grow', 2_000_001);
      const { node } = mod.FS.lookupPath('/tmp/grow');
      expect(node.usedBytes).toBe(2_000_001);
      // Spare capacity: the next extensions will not copy the file (an exact-size buffer would).
      expect(node.contents.length).toBeGreaterThan(2_000_001);
    } finally {
      await handle.close();
    }
  });
});
