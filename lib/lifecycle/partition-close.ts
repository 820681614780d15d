import type { Db, Tx } from '@/db/client';
import {
  buildPartitionIndexes,
  compactStep,
  dropStaleCompactions,
  listDaysToCompact,
  listPartitionsToClose,
  reserveSession,
  tryCloseLockInTransaction,
  type CompactStep,
  type SessionConnection,
} from '@/db/queries/audit-event-partitions';
import { ensureFuturePartitions } from '@/lib/lifecycle/partitions';

/** An hour's partition is closed this long after its hour ended, so rows of the hour arriving late still land cheaply. */
export const CLOSE_GRACE_MS = 10 * 60_000;
/** A UTC day's hours are compacted into one daily partition this long after the day ended. */
export const COMPACT_GRACE_MS = 60 * 60_000;

/** What one run did; `skipped` when another run (this or another instance) held the close lock. */
export type CloseResult = { created: string[]; closed: string[]; compacted: string[]; skipped: boolean };

/** The steps that build a day's scratch table, in order, each a transaction of its own; the swap follows. */
const PREPARE: CompactStep[] = ['copy', 'add-keys', 'validate-keys'];

/**
 * A lock wait the swap gave up on (a long reader of audit_events) or a deadlock PostgreSQL broke by aborting it: the
 * next run retries, the scratch table kept.
 */
function isLockConflict(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } } | null)?.code ?? (error as { cause?: { code?: string } } | null)?.cause?.code;
  return code === '55P03' || code === '40P01';
}

/**
 * Compacts one day: builds its scratch table unless a previous run left it ready, swaps it in, then drops the old
 * partitions the swap set aside. Returns the new partition's name, or null when there was nothing to do or the swap
 * gave up on a lock.
 */
async function compactDay(
  step: (s: CompactStep, day: string) => Promise<string | null>,
  dropStale: () => Promise<unknown>,
  day: string,
): Promise<string | null> {
  if ((await step('ready', day)) !== 'true') {
    for (const s of PREPARE) {
      const result = await step(s, day);
      if (s === 'copy' && result === null) return null;
    }
  }
  try {
    const name = await step('swap', day);
    // The swap set the day's old partitions aside; dropping them now, in a transaction of its own, blocks no one.
    if (name) await dropStale();
    return name;
  } catch (error) {
    if (!isLockConflict(error)) throw error;
    console.warn(`[audit] compacting audit_events of ${day} gave up on a lock; the next run retries`);
    return null;
  }
}

type Work = { closed: string[]; compacted: string[] };

/**
 * Closes and compacts on a server: one reserved session of the long-work pool, holding the close lock (a session
 * advisory lock, freed if the process dies), does it all: builds each partition's missing indexes CONCURRENTLY
 * where its role may (writers never wait), else through the SECURITY DEFINER function; then compacts the ended days.
 * Null when another session holds the lock.
 */
async function closeOnServer(session: SessionConnection, endedBefore: Date, compactBefore: Date): Promise<Work | null> {
  try {
    if (!(await session.tryCloseLock())) return null;
    try {
      const closed: string[] = [];
      for (const name of await session.listToClose(endedBefore)) {
        const built = (await session.mayIndex(name)) ? await session.buildConcurrently(name) : await session.buildPlainly(name);
        if (built > 0) closed.push(name);
      }
      await session.dropStaleCompactions();
      const compacted: string[] = [];
      for (const day of await session.listDaysToCompact(compactBefore)) {
        const name = await compactDay(session.compact, session.dropStaleCompactions, day);
        if (name) compacted.push(name);
      }
      return { closed, compacted };
    } finally {
      await session.unlock();
    }
  } finally {
    session.release();
  }
}

/** PGlite (one connection): each partition's indexes, and each compaction step, in one transaction holding the close lock. */
async function closeInTransactions(db: Db, endedBefore: Date, compactBefore: Date): Promise<Work | null> {
  const locked = <T>(work: (tx: Tx) => Promise<T>) => db.transaction(async (tx) => ((await tryCloseLockInTransaction(tx)) ? { value: await work(tx) } : null));
  const closed: string[] = [];
  for (const name of await listPartitionsToClose(db, endedBefore)) {
    const built = await locked((tx) => buildPartitionIndexes(tx, name));
    if (built === null) return closed.length ? { closed, compacted: [] } : null;
    if (built.value > 0) closed.push(name);
  }
  if ((await locked((tx) => dropStaleCompactions(tx))) === null) return { closed, compacted: [] };
  const compacted: string[] = [];
  for (const day of await listDaysToCompact(db, compactBefore)) {
    const step = async (s: CompactStep, d: string) => (await locked((tx) => compactStep(tx, s, d)))?.value ?? null;
    const name = await compactDay(step, () => locked((tx) => dropStaleCompactions(tx)), day);
    if (name) compacted.push(name);
  }
  return { closed, compacted };
}

/**
 * The partition job (system job, every organization's rows): creates the coming hours' lean partitions, "closes"
 * every partition whose range ended over CLOSE_GRACE_MS before `now` (and the default one) by building the secondary
 * indexes it lacks (drizzle/0016's list), then compacts each UTC day that ended over COMPACT_GRACE_MS ago and is
 * split into hours into one daily partition (drizzle/0019). What needs doing is read from the catalog each time, so a
 * run interrupted anywhere is finished by the next; several instances may run it at once (one advisory lock).
 */
export async function runPartitionJob(db: Db, now: Date = new Date()): Promise<CloseResult> {
  const created = await ensureFuturePartitions(db, now);
  const endedBefore = new Date(now.getTime() - CLOSE_GRACE_MS);
  const compactBefore = new Date(now.getTime() - COMPACT_GRACE_MS);
  const session = await reserveSession(db);
  const work = session ? await closeOnServer(session, endedBefore, compactBefore) : await closeInTransactions(db, endedBefore, compactBefore);
  return { created, closed: work?.closed ?? [], compacted: work?.compacted ?? [], skipped: work === null };
}
