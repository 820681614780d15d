import { isEmbedded, type Db, type Tx } from '@/db/client';
import { inBackground } from '@/db/work-priority';

/**
 * Group commit per organization. A batch arriving while its organization's transaction is running waits and is
 * committed with the others that arrived meanwhile, in arrival order: one transaction, one chain-head lock, one
 * COPY, one commit for all of them. Nothing here is needed for correctness across processes: each transaction
 * still takes the organization's head lock in the database. A group that fails before its commit is retried one
 * batch per transaction, so a batch the database refuses fails alone; one whose commit went unanswered reports
 * IngestOutcomeUnknown to each of its batches.
 */

/** Rows per group transaction at most (one COPY of about 1.5 kB per row). */
const MAX_GROUP_ROWS = 8_000;
/**
 * The same on the embedded database, where a transaction holds the one connection and Node's thread (about
 * 1.6 ms per row with the search indexes, bench/RESULTS.md): one 100-event batch per transaction, so a page's
 * read waits behind ~0.2 s at most. A larger batch still goes in one transaction of its own.
 */
const MAX_GROUP_ROWS_EMBEDDED = 100;

/**
 * The transaction failed once its work was done: at COMMIT or after it (the connection lost with the COMMIT
 * sent, or its answer lost). Whether the batches were stored is unknown; the idempotency claims commit with the
 * events, so a retry with the same Idempotency-Key replays the stored result if they were.
 */
export class IngestOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super('the ingest transaction failed at or after COMMIT', { cause });
    this.name = 'IngestOutcomeUnknown';
  }
}

/** What a group is made of: batches of one organization, each with its rows. */
export type GroupBatch = { orgId: string; rows: readonly unknown[] };
/** Stores batches of one organization in the given transaction and returns one outcome per batch, in order. */
export type StoreBatches<B extends GroupBatch, O> = (tx: Tx, orgId: string, batches: readonly B[]) => Promise<O[]>;

type Waiting = { batch: GroupBatch; resolve(outcome: unknown): void; reject(error: unknown): void };
type Store = StoreBatches<GroupBatch, unknown>;

// Per database handle (tests open several in one process), per organization: the batches waiting for the next
// transaction. An entry exists exactly while that organization's transactions are running.
const queues = new WeakMap<Db, Map<string, Waiting[]>>();

/**
 * Commits `batch` through `store` with whatever else its organization has waiting; resolves once its transaction
 * has committed. Every batch of one database and organization must come with the same `store`.
 */
export function commitInGroup<B extends GroupBatch, O>(db: Db, batch: B, store: StoreBatches<B, O>): Promise<O> {
  return new Promise<O>((res, reject) => {
    const resolve = res as (outcome: unknown) => void;
    let byOrg = queues.get(db);
    if (!byOrg) queues.set(db, (byOrg = new Map()));
    const waiting = byOrg.get(batch.orgId);
    if (waiting) {
      waiting.push({ batch, resolve, reject });
      return;
    }
    const queue = [{ batch, resolve, reject }];
    byOrg.set(batch.orgId, queue);
    void drain(db, byOrg, batch.orgId, queue, store as unknown as Store);
  });
}

/** Runs group transactions until nobody waits; never throws (every failure goes to the batches it concerns). */
async function drain(db: Db, byOrg: Map<string, Waiting[]>, orgId: string, queue: Waiting[], store: Store): Promise<void> {
  while (queue.length > 0) {
    let rows = 0;
    let take = 0;
    const most = isEmbedded(db) ? MAX_GROUP_ROWS_EMBEDDED : MAX_GROUP_ROWS;
    while (take < queue.length && (take === 0 || rows + queue[take]!.batch.rows.length <= most)) rows += queue[take++]!.batch.rows.length;
    await commitGroup(db, orgId, queue.splice(0, take), store);
  }
  byOrg.delete(orgId);
}

async function commitGroup(db: Db, orgId: string, group: Waiting[], store: Store): Promise<void> {
  try {
    const outcomes = await inTransaction(
      db,
      orgId,
      group.map((w) => w.batch),
      store,
    );
    group.forEach((w, i) => w.resolve(outcomes[i]));
  } catch (error) {
    if (group.length === 1 || error instanceof IngestOutcomeUnknown) {
      for (const w of group) w.reject(error);
      return;
    }
    // Rolled back as a whole: each batch again on its own, so only the one the database refuses fails.
    for (const w of group) {
      try {
        const [outcome] = await inTransaction(db, orgId, [w.batch], store);
        w.resolve(outcome);
      } catch (alone) {
        w.reject(alone);
      }
    }
  }
}

/** One transaction for `batches`; a failure at or after COMMIT becomes IngestOutcomeUnknown. */
async function inTransaction(db: Db, orgId: string, batches: GroupBatch[], store: Store): Promise<unknown[]> {
  let committing = false;
  try {
    // Background on the embedded database's one connection: a page's read waits for at most this one transaction.
    return await inBackground(() =>
      db.transaction(async (tx) => {
        const outcomes = await store(tx, orgId, batches);
        // Only COMMIT follows: from here on a failure may come after the batches were stored.
        committing = true;
        return outcomes;
      }),
    );
  } catch (error) {
    throw committing ? new IngestOutcomeUnknown(error) : error;
  }
}
