import { parentPort } from 'node:worker_threads';
import { hashBatch, type BatchRequest, type HashWorkerData } from './fast/hash-batch';
import { makeRowHasher } from './fast/row-hasher';
import { sha256 } from './fast/sha256';

// Worker thread entry (started by ./verify-pool): the first message says how rows are laid out; then it hashes
// the batches of COPY rows it is sent, one answer each.
let hashRow: ReturnType<typeof makeRowHasher> | null = null;
parentPort?.on('message', (m: HashWorkerData | BatchRequest) => {
  if (hashRow === null) {
    const { kinds, prefixes, at } = m as HashWorkerData;
    hashRow = makeRowHasher(kinds, prefixes, at, sha256);
    return;
  }
  parentPort!.postMessage(hashBatch(hashRow, m as BatchRequest));
});
