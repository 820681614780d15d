import { parentPort, workerData } from 'node:worker_threads';
import { hashBatch, type BatchRequest, type HashWorkerData } from './fast/hash-batch';
import { makeRowHasher } from './fast/row-hasher';
import { sha256 } from './fast/sha256';

// Worker thread entry (started by ./verify-pool): hashes the batches of COPY rows it is sent, one answer each.
const { kinds, prefixes, at } = workerData as HashWorkerData;
const hashRow = makeRowHasher(kinds, prefixes, at, sha256);
parentPort?.on('message', (m: BatchRequest) => parentPort!.postMessage(hashBatch(hashRow, m)));
