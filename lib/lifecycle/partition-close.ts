import type { Db } from '@/db/client';
import {
  buildPartitionIndexes,
  listPartitionsToClose,
  reserveSession,
  tryCloseLockInTransaction,
  type SessionConnection,
} from '@/db/queries/audit-event-partitions';
import { ensureFuturePartitions } from '@/lib/lifecycle/partitions';

/** A day's partition is closed this long after its day ended, so late rows of the day still land in it cheaply. */
export const CLOSE_GRACE_MS = 60 * 60_000;

/** What one run did; `skipped` when another run (this or another instance) held the close lock. */
export type CloseResult = { created: string[]; closed: string[]; skipped: boolean };

/**
 * Closes partitions on a server: one reserved session of the long-work pool, holding the close lock (a session
 * advisory lock, freed if the process dies), does it all: builds each partition's missing indexes CONCURRENTLY
 * where its role may (writers never wait), else through the SECURITY DEFINER function. Null when another session
 * holds the lock.
 */
async function closeOnServer(session: SessionConnection, endedBefore: Date): Promise<string[] | null> {
  try {
    if (!(await session.tryCloseLock())) return null;
    try {
      const closed: string[] = [];
      for (const name of await session.listToClose(endedBefore)) {
        const built = (await session.mayIndex(name)) ? await session.buildConcurrently(name) : await session.buildPlainly(name);
        if (built > 0) closed.push(name);
      }
      return closed;
    } finally {
      await session.unlock();
    }
  } finally {
    session.release();
  }
}

/** PGlite (one connection): each partition's indexes in one transaction holding the close lock. */
async function closeInTransactions(db: Db, endedBefore: Date): Promise<string[] | null> {
  const closed: string[] = [];
  for (const name of await listPartitionsToClose(db, endedBefore)) {
    const built = await db.transaction(async (tx) => ((await tryCloseLockInTransaction(tx)) ? buildPartitionIndexes(tx, name) : null));
    if (built === null) return closed.length ? closed : null;
    if (built > 0) closed.push(name);
  }
  return closed;
}

/**
 * The partition job (system job, every organization's rows): creates the coming days' lean partitions, then
 * "closes" every partition whose range ended over CLOSE_GRACE_MS before `now` (and the default one) by building the
 * secondary indexes it lacks (drizzle/0016's list). Which partitions need it is read from the catalog each time, so
 * a run interrupted anywhere is finished by the next; several instances may run it at once (one advisory lock).
 */
export async function runPartitionJob(db: Db, now: Date = new Date()): Promise<CloseResult> {
  const created = await ensureFuturePartitions(db, now);
  const endedBefore = new Date(now.getTime() - CLOSE_GRACE_MS);
  const session = await reserveSession(db);
  const closed = session ? await closeOnServer(session, endedBefore) : await closeInTransactions(db, endedBefore);
  return { created, closed: closed ?? [], skipped: closed === null };
}
