import type { PGlite } from '@electric-sql/pglite';
import { ConnectionScheduler } from './connection-scheduler';
import { currentPriority } from './work-priority';

/** What Drizzle's PGlite driver calls on its client. */
export type PgliteClient = Pick<PGlite, 'query' | 'exec' | 'transaction'>;

/**
 * The embedded database's client as Drizzle sees it: each query, exec or whole transaction is one unit on the
 * ConnectionScheduler, so a page's read waits behind at most one unit of background work (an ingest
 * transaction, an export batch) instead of the whole queue. Statements inside a transaction run on its own
 * handle, not through here (they are part of the unit). Listening and closing stay on the PGlite instance.
 */
export function scheduledPglite(client: PGlite, scheduler = new ConnectionScheduler()): PgliteClient {
  return {
    query: ((...args: Parameters<PGlite['query']>) => scheduler.run(currentPriority(), () => client.query(...args))) as PGlite['query'],
    exec: (...args: Parameters<PGlite['exec']>) => scheduler.run(currentPriority(), () => client.exec(...args)),
    transaction: (callback) => scheduler.run(currentPriority(), () => client.transaction(callback)),
  };
}
