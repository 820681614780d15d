import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchRequest, BatchResult, ChainLink, HashWorkerData } from '@/lib/chain/fast/hash-batch';
import type { FastEntry } from '@/lib/chain/fast/row-hasher';
import type { CopyReader } from '@/lib/chain/verify-copy';
import { besideModule, startWorker } from '@/lib/workers/start-worker';

/**
 * Hashing in worker threads for long chains. Each entry's hash depends only on its own stored content (its
 * stored prev_hash included), so batches of COPY rows are hashed in parallel; the links are then checked in
 * seq order. The main thread only cuts the COPY stream into batches of whole rows and hands them over
 * (transferred, not copied); a worker hashes a batch and checks the links inside it, and answers with the
 * batch's first and last entries - or, at the first row it could not take or that failed a check, with the
 * text of the rows from there on, which the main thread then walks itself with the exact code. So what the
 * workers run (./verify-worker, ./fast/hash-batch) only has to be right about the rows it accepts.
 */

/** What the pool reports into: the walk in verify.ts. */
export type PoolSink = {
  /** The entry, fully checked against its predecessor (false: the walk stops). */
  visit(e: FastEntry): boolean;
  /** Entries the worker has already checked against each other, ending at `last`, after `visit` took the first. */
  advance(last: ChainLink, count: number): void;
};

/** Rows per batch handed to a worker, and batches in flight per worker before the COPY stream is paused. */
export const BATCH_ROWS = 512;
const BATCH_BYTES = 1 << 20;
const IN_FLIGHT_PER_WORKER = 4;

export function poolSize(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 8));
}

export class HashPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, (r: BatchResult | null) => void>();
  private failure: Error | null = null;
  private onFailure: (() => void) | null = null;
  private closed = false;

  constructor(
    reader: CopyReader,
    size = poolSize(),
    private readonly batchRows = BATCH_ROWS,
  ) {
    const { kinds, prefixes, at } = reader.plan;
    const workerData: HashWorkerData = { kinds, prefixes, at };
    this.workers = Array.from({ length: size }, () => {
      const w = startWorker(besideModule(import.meta.url, 'verify-worker.ts'), () => new Worker(new URL('./verify-worker.ts', import.meta.url)));
      // Its first message is its start-up data (see start-worker: bundled workers take no options).
      w.postMessage(workerData);
      w.on('message', (r: BatchResult) => {
        const resolve = this.waiting.get(r.batch);
        this.waiting.delete(r.batch);
        resolve?.(r);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`hash worker exited with code ${code}`));
      });
      return w;
    });
  }

  private fail(e: Error) {
    this.failure ??= e;
    // Nothing more will come back: release whoever waits, and let the scan drain its COPY and throw.
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
    this.onFailure?.();
  }

  /** A worker failed (the pool cannot be used any more; the caller can hash on its own thread instead). */
  get broken(): boolean {
    return this.failure !== null;
  }

  async close() {
    this.closed = true;
    this.onFailure = null;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Reads afterSeq < seq <= throughSeq through `reader`, hashing in the workers and reporting into `sink` in
   * seq order. Returns the range's first entry with its canonical form (for the spot check).
   */
  async scan(reader: CopyReader, afterSeq: number, throughSeq: number, sink: PoolSink): Promise<FastEntry | undefined> {
    if (this.failure) throw this.failure;
    const range = await reader.open(afterSeq, throughSeq);
    const stream = range.stream;
    let failure: unknown;
    const limit = this.workers.length * IN_FLIGHT_PER_WORKER;
    let batchNo = 0;
    let chunks: Buffer[] = [];
    let rows = 0;
    let bytes = 0;
    let stopped = false;
    let error: unknown = null;
    let inFlight = 0;
    let paused = false;
    let firstEntry: FastEntry | undefined;
    // Results are walked strictly in batch order.
    let walked: Promise<void> = Promise.resolve();

    const walkResult = (r: BatchResult) => {
      if (r.n > 0 && r.first) {
        const e: FastEntry = { ...r.first, computed: r.first.hash, canonical: r.canonical };
        if (r.batch === 0) firstEntry = e;
        if (!sink.visit(e)) return false;
        if (r.n > 1) sink.advance(r.last!, r.n - 1);
      }
      for (let k = 0; k < (r.tail?.length ?? 0); k++) {
        const e = reader.row(r.tail![k]!, r.batch === 0 && r.n === 0 && k === 0);
        if (r.batch === 0 && r.n === 0 && k === 0) firstEntry = e;
        if (!sink.visit(e)) return false;
      }
      return true;
    };

    const send = () => {
      if (chunks.length === 0) return;
      const buf = Buffer.allocUnsafeSlow(bytes);
      let at = 0;
      for (const c of chunks) at += c.copy(buf, at);
      const batch = batchNo++;
      const result = new Promise<BatchResult | null>((resolve) => this.waiting.set(batch, resolve));
      const request: BatchRequest = { batch, buf: buf.buffer as ArrayBuffer, length: bytes, canonical: batch === 0 };
      this.workers[batch % this.workers.length]!.postMessage(request, [request.buf]);
      chunks = [];
      rows = 0;
      bytes = 0;
      if (++inFlight >= limit && !paused) {
        paused = true;
        stream.pause();
      }
      walked = walked.then(async () => {
        const r = await result;
        if (--inFlight < limit && paused) {
          paused = false;
          stream.resume();
        }
        if (stopped || r === null) return;
        try {
          if (!walkResult(r)) stopped = true;
        } catch (e) {
          error ??= e;
          stopped = true;
        }
      });
    };

    const stop = () => {
      // Drain the rest of the COPY (the connection is busy until it ends), then report.
      stopped = true;
      if (paused) {
        paused = false;
        stream.resume();
      }
    };

    try {
      await new Promise<void>((resolve, reject) => {
        this.onFailure = stop;
        stream.on('data', (chunk: Buffer) => {
          if (stopped) return;
          chunks.push(chunk);
          bytes += chunk.length;
          rows++;
          // Whole rows only: a batch is cut after a chunk that ends a row (PostgreSQL sends one row per message).
          if ((rows >= this.batchRows || bytes >= BATCH_BYTES) && chunk[chunk.length - 1] === 10) send();
        });
        stream.once('end', () => {
          if (!stopped) {
            const tail = chunks[chunks.length - 1];
            if (tail && tail[tail.length - 1] !== 10) error ??= new Error('COPY ended inside a row');
            else send();
          }
          walked.then(() => (this.failure ? reject(this.failure) : error ? reject(error) : resolve()), reject);
        });
        stream.once('error', reject);
      });
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      this.onFailure = null;
      range.close(failure);
    }
    return firstEntry;
  }
}
