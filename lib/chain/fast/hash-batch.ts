import type { FieldKind, RowColumns, RowHasher } from './row-hasher';

/** What a hash worker is started with: the COPY row layout. */
export type HashWorkerData = { kinds: FieldKind[]; prefixes: string[]; at: RowColumns };

/** A point in the chain as the walk keeps it. */
export type ChainLink = { seq: number; hash: string; occurredAt: string };

/** A worker's answer for one batch of COPY rows. */
export type BatchResult = {
  batch: number;
  /** Rows accepted by the worker, from the batch's start. */
  n: number;
  first: (ChainLink & { id: string; prevHash: string }) | null;
  last: ChainLink | null;
  canonical?: string;
  /** The rows from the first one not accepted on, for the main thread's exact walk. */
  tail?: string[];
};

/** What the main thread hands a worker: whole COPY rows, the buffer transferred, not copied. */
export type BatchRequest = { batch: number; buf: ArrayBuffer; length: number; canonical: boolean };

/**
 * Hashes a batch of whole COPY rows and checks the links inside it (each row's seq and prev_hash against the
 * row before). Stops at the first row the hasher declines or that fails a check and hands back the text from
 * there on: the main thread walks that part with the exact code, so this only has to be right about the rows
 * it accepts.
 */
export function hashBatch(hashRow: RowHasher, m: BatchRequest): BatchResult {
  // Row by row from the bytes: one decoded string per row keeps the rows without non-Latin-1 characters in
  // V8's one-byte form (decoding the whole batch at once would make every row two-byte if one needs it).
  const buf = Buffer.from(m.buf, 0, m.length);
  let first: BatchResult['first'] = null;
  let last: ChainLink | null = null;
  let canonical: string | undefined;
  let k = 0;
  for (let start = 0, nl = buf.indexOf(10); nl >= 0; start = nl + 1, nl = buf.indexOf(10, start), k++) {
    const e = hashRow(buf.toString('utf8', start, nl), m.canonical && k === 0);
    if (e === null || e.computed !== e.hash || (last !== null && (e.seq !== last.seq + 1 || e.prevHash !== last.hash))) {
      const tail = buf.toString('utf8', start, buf.length - 1).split('\n');
      return { batch: m.batch, n: k, first, last, canonical, tail };
    }
    if (k === 0) {
      first = { seq: e.seq, id: e.id, prevHash: e.prevHash, hash: e.hash, occurredAt: e.occurredAt };
      canonical = e.canonical;
    }
    last = { seq: e.seq, hash: e.hash, occurredAt: e.occurredAt };
  }
  return { batch: m.batch, n: k, first, last, canonical };
}
