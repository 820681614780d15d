import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is waiting for a database call: a person (a page, a server action, an API read: `interactive`, the
 * default) or the service's own work: `background` for writes that a client waits on (ingest transactions,
 * stream delivery's claims and cursor updates), `bulk` for long reads (export batches, chain verification).
 * Only the embedded database acts on it (db/connection-scheduler.ts orders its single connection by it: pages,
 * then writes, then bulk reads); on a server every call has its own connection and this is ignored.
 */
export type WorkPriority = 'interactive' | 'background' | 'bulk';

/** The two kinds of the service's own work. */
export type BackgroundKind = Exclude<WorkPriority, 'interactive'>;

// One store per process, kept on globalThis: Next bundles this module into several chunks, and a mark set by one
// copy (an ingest route) must be seen by the copy the database client was opened with.
const holder = globalThis as { __auditWorkPriority?: AsyncLocalStorage<WorkPriority> };
const priority = (holder.__auditWorkPriority ??= new AsyncLocalStorage<WorkPriority>());

/**
 * Runs `work` with every database call it makes (and the calls of whatever it starts) marked as the service's own
 * work: `background` (a write, the default) or `bulk` (a long read such as an export batch or a verification).
 */
export function inBackground<T>(work: () => PromiseLike<T>, kind: BackgroundKind = 'background'): Promise<T> {
  // Awaited inside: a Drizzle query is a lazy thenable that runs only when awaited, which must happen in here.
  return priority.run(kind, async () => await work());
}

/** The priority of the code calling now: set by inBackground(), interactive otherwise. */
export function currentPriority(): WorkPriority {
  return priority.getStore() ?? 'interactive';
}
