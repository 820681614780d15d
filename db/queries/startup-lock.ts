import type { Db } from '@/db/client';
import { bulkPostgresJsClient } from './postgres-js';

/** The one advisory lock of what every server process does once at start (migrations, first-start seed). */
const STARTUP_LOCK_NAME = 'audit_log_startup';

// On the embedded database (one process): the work of concurrent callers on one handle, one after the other.
const embeddedQueues = new WeakMap<Db, Promise<unknown>>();

/**
 * Runs `work` while no other process (or caller on this handle) runs startup work on the same database: several
 * server processes starting at once (WEB_CONCURRENCY, several instances) migrate and seed one after the other,
 * and each later one finds the work done. On a server a session advisory lock held on a reserved connection
 * of the long-work pool (freed by PostgreSQL if the process dies); `work` uses the main pool.
 */
export async function withStartupLock<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const client = bulkPostgresJsClient(db);
  if (!client) {
    const previous = embeddedQueues.get(db) ?? Promise.resolve();
    const run = previous.then(work, work);
    embeddedQueues.set(
      db,
      run.catch(() => {}),
    );
    return run;
  }
  const conn = await client.reserve();
  try {
    await conn.unsafe('select pg_advisory_lock(hashtextextended($1::text, 0))', [STARTUP_LOCK_NAME]).values();
    try {
      return await work();
    } finally {
      await conn.unsafe('select pg_advisory_unlock(hashtextextended($1::text, 0))', [STARTUP_LOCK_NAME]).values();
    }
  } finally {
    conn.release();
  }
}
