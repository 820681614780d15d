import { Worker } from 'node:worker_threads';

// Outside Next.js (tests, `npm run bench`, scripts) the code runs from its TypeScript sources; in the app (next
// build or next dev; Next sets NEXT_RUNTIME) the bundler has compiled each worker entry into a chunk of its own.
// (import.meta.url cannot tell the two apart: Turbopack keeps the source file's URL in it.)
const FROM_SOURCE = !process.env.NEXT_RUNTIME;

/**
 * Starts the bundled worker: the call site's literal `new Worker(new URL('./entry.ts', import.meta.url))`, with no
 * options argument (Turbopack compiles the entry into a worker chunk only in that form; with a variable options
 * argument it copied the .ts file as an asset and the app's worker failed with "Unknown file extension .ts").
 * Send a worker its start-up data as its first message instead of workerData.
 */
export type BundledWorker = () => Worker;

/**
 * Starts a worker thread on a TypeScript entry, from sources or bundled. `bundled` must stay a literal
 * `() => new Worker(new URL('./entry.ts', import.meta.url))` at the call site: that is the form the bundler
 * finds and compiles into its own chunk. From sources, ./tsx-bootstrap.mjs registers tsx in the new thread and
 * imports `source` (the entry's file URL) - Node cannot start a .ts worker on its own.
 */
export function startWorker(source: string, bundled: BundledWorker): Worker {
  if (!FROM_SOURCE) return bundled();
  const bootstrap = new URL(import.meta.url.replace(/[^/]+$/, 'tsx-bootstrap.mjs'));
  return new Worker(bootstrap, { argv: [source] });
}

/** The file URL of `file` beside the module at `moduleUrl` (pass import.meta.url): a worker entry's source. */
export function besideModule(moduleUrl: string, file: string): string {
  return moduleUrl.replace(/[^/]+$/, file);
}
