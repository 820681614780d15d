import { Worker } from 'node:worker_threads';
import { besideModule, startWorker } from '@/lib/workers/start-worker';
import type { PdfInput } from './pdf-render';

/** At most `max` of the tasks run at once; the others wait in order, each handed a slot as one finishes. */
export function concurrencyLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < max) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

/** PDFs laid out at once per server process; more wait their turn (each holds ~250 MB at the row cap). */
const inTurn = concurrencyLimit(2);

/**
 * Renders a PDF in a worker thread of its own, two at a time. react-pdf lays a document out synchronously
 * (8 s for the 1,000-row cap on this machine's cores): on the main thread that stalls every other request for
 * as long. One short-lived worker per PDF; its memory goes when it exits.
 */
export function renderPdfInWorker(input: PdfInput): Promise<Uint8Array> {
  return inTurn(() => renderOnce(input));
}

function renderOnce(input: PdfInput): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(besideModule(import.meta.url, 'pdf-worker.ts'), () => new Worker(new URL('./pdf-worker.ts', import.meta.url)));
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (reply: { ok: true; bytes: Uint8Array } | { ok: false; message: string }) =>
      settle(() => (reply.ok ? resolve(reply.bytes) : reject(new Error(`PDF rendering failed: ${reply.message}`)))),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`PDF worker exited with code ${code} before it finished`))));
    worker.postMessage(input);
  });
}
