import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import type { BatchRequest, BatchResult, HashWorkerData } from '@/lib/chain/fast/hash-batch';
import { besideModule, startWorker } from '@/lib/workers/start-worker';

// The hash worker runs from its TypeScript sources here (no bundle): it must load through lib/workers and answer.
let worker: Worker | null = null;
afterEach(async () => {
  await worker?.terminate();
  worker = null;
});

function ask(w: Worker, request: BatchRequest): Promise<BatchResult> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage(request, [request.buf]);
  });
}

it('starts the hash worker from sources and hands back the rows it cannot take for the exact walk', async () => {
  const workerData: HashWorkerData = { kinds: ['number', 'text'], prefixes: ['{"seq":', ',"x":'], at: { seq: 0, id: 1, prevHash: 1, occurredAt: 1, hash: 2 } };
  const url = new URL('../../lib/chain/verify-worker.ts', import.meta.url).href;
  worker = startWorker(url, () => new Worker(new URL(url)));
  worker.postMessage(workerData);
  const rows = Buffer.from('1\ta\tnot-a-hash\n2\tb\tnot-a-hash\n');
  const buf = rows.buffer.slice(rows.byteOffset, rows.byteOffset + rows.length) as ArrayBuffer;
  const result = await ask(worker, { batch: 3, buf, length: rows.length, canonical: true });
  // No timestamp column: the fast hasher declines the first row, so every row goes back as text.
  expect(result).toMatchObject({ batch: 3, n: 0, first: null, last: null, tail: ['1\ta\tnot-a-hash', '2\tb\tnot-a-hash'] });
});

it('names a worker entry beside its module', () => {
  expect(besideModule('file:///app/lib/chain/verify-pool.ts', 'verify-worker.ts')).toBe('file:///app/lib/chain/verify-worker.ts');
});
