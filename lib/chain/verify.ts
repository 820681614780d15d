import type { DbOrTx } from '@/db/client';
import { inBackground } from '@/db/work-priority';
import { findSeqByHash, getFirstEntryAfter, getHashedEntry, listHashedEntries, type HashedEntryRow } from '@/db/queries/chain-entries';
import { getChainHead, getLatestChainAnchor } from '@/db/queries/chain-head';
import { chainRecord, computeEntryHash, GENESIS_HASH } from '@/lib/chain/entry-hash';
import type { FastEntry } from '@/lib/chain/fast/row-hasher';
import { canonicalize } from '@/lib/chain/jcs';
import { copyReader, scanByCopy, type CopyReader } from '@/lib/chain/verify-copy';
import { BATCH_ROWS, HashPool, poolSize } from '@/lib/chain/verify-pool';

export const CHAIN_BREAK_REASONS = [
  'hash_mismatch',
  'prev_hash_mismatch',
  'missing_seq',
  'out_of_order',
  'head_mismatch',
  // Found against signed checkpoints (./trust): the chain itself may be consistent, re-hashed by whoever changed it.
  'checkpoint_signature',
  'checkpoint_beyond_head',
  'checkpoint_mismatch',
  'anchor_unsigned',
] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

/** The last entry that verified (seq 0 / the anchor when the chain is empty). */
export type ChainPoint = { seq: number; hash: string; occurredAt: string | null };

/** How many signed checkpoints the result was checked against, and the newest one's size (./trust). */
export type CheckpointsChecked = { checked: number; newest: number | null };

export type ChainVerification =
  | { ok: true; orgId: string; verifiedThrough: ChainPoint; count: number; checkpoints?: CheckpointsChecked }
  | {
      ok: false;
      orgId: string;
      /** The seq where the chain breaks (for missing_seq: the first missing number). */
      at: number;
      /** The entry at `at`; for missing_seq the first entry after the gap (null when the end is missing). */
      eventId: string | null;
      reason: ChainBreakReason;
      detail: string;
      verifiedThrough: ChainPoint;
      count: number;
      checkpoints?: CheckpointsChecked;
    };

type Break = Omit<Extract<ChainVerification, { ok: false }>, 'ok' | 'orgId' | 'verifiedThrough' | 'count'>;

/** Why the stored link is wrong: it points at another existing entry (order changed) or at nothing known. */
async function linkBreak(tx: DbOrTx, orgId: string, row: { seq: number; id: string; prevHash: string }): Promise<Break> {
  const target = await findSeqByHash(tx, orgId, row.prevHash);
  if (target !== undefined) {
    return { at: row.seq, eventId: row.id, reason: 'out_of_order', detail: `#${row.seq} links to #${target} instead of its predecessor` };
  }
  return { at: row.seq, eventId: row.id, reason: 'prev_hash_mismatch', detail: `#${row.seq}'s previous-hash link matches no entry` };
}

/** One entry as the walk checks it: where it sits, what it links to, and its hash recomputed from its content. */
type WalkEntry = { seq: number; id: string; prevHash: string; hash: string; occurredAt: string; computed: string };

/** Where the walk stopped: the entry and which check it failed (the break itself may need a query to describe). */
type Stop = { check: 'seq' | 'link' | 'hash'; entry: WalkEntry };

/** The seq-ordered walk over the entries: the three checks, in the order the reports depend on. */
class Walk {
  count = 0;
  stop: Stop | null = null;
  constructor(public last: ChainPoint) {}

  /** False once an entry fails a check (the walk is then over). */
  readonly visit = (e: WalkEntry): boolean => {
    const check = e.seq !== this.last.seq + 1 ? 'seq' : e.prevHash !== this.last.hash ? 'link' : e.computed !== e.hash ? 'hash' : null;
    if (check) {
      this.stop = { check, entry: e };
      return false;
    }
    this.accept(e);
    return true;
  };

  /** The walk's state, to go back to when a range has to be walked again. */
  save() {
    return { last: this.last, count: this.count, stop: this.stop };
  }

  restore(saved: ReturnType<Walk['save']>) {
    ({ last: this.last, count: this.count, stop: this.stop } = saved);
  }

  accept(e: WalkEntry) {
    this.last = { seq: e.seq, hash: e.hash, occurredAt: e.occurredAt };
    this.count += 1;
  }

  /** `count` entries already checked against each other (by a hash worker), the newest being `last`. */
  readonly advance = (last: { seq: number; hash: string; occurredAt: string }, count: number) => {
    this.last = { seq: last.seq, hash: last.hash, occurredAt: last.occurredAt };
    this.count += count;
  };
}

/** The entry exactly as Drizzle reads it, found by its primary key (and seq). */
function drizzleRow(tx: DbOrTx, orgId: string, e: WalkEntry): Promise<HashedEntryRow | undefined> {
  return getHashedEntry(tx, orgId, { occurredAt: new Date(e.occurredAt), id: e.id, seq: e.seq });
}

const toWalkEntry = (row: HashedEntryRow): WalkEntry => ({
  seq: row.seq,
  id: row.id,
  prevHash: row.prevHash,
  hash: row.hash,
  occurredAt: row.occurredAt.toISOString(),
  computed: computeEntryHash(row),
});

/**
 * The portable walk: keyset batches through Drizzle (PGlite, or any handle the COPY path cannot use). The
 * next batch is requested before the current one is hashed, so a server reads while Node hashes.
 */
async function walkThroughDrizzle(tx: DbOrTx, orgId: string, walk: Walk, throughSeq: number, batchSize: number): Promise<void> {
  // Started now, not when awaited: the next batch is read while this one is hashed.
  // Background on the embedded database's one connection (a no-op inside a transaction: it already holds it).
  const batch = (after: number) => inBackground(() => listHashedEntries(tx, orgId, after, throughSeq, batchSize), 'bulk');
  let next: ReturnType<typeof batch> | null = batch(walk.last.seq);
  try {
    while (next) {
      const rows: Awaited<ReturnType<typeof batch>> = await next;
      next = rows.length === batchSize ? batch(rows[rows.length - 1]!.seq) : null;
      for (const row of rows) if (!walk.visit(toWalkEntry(row))) return;
    }
  } finally {
    // Never leave a query running on the handle while the caller goes on with its own.
    await next?.catch(() => undefined);
  }
}

/**
 * The fast walk on a PostgreSQL server: COPY per range of seq numbers (./verify-copy), hashed on this thread or,
 * for long chains, in worker threads (./verify-pool). Returns false when it hands the rest over to the Drizzle
 * walk: its canonical form disagreed with the Drizzle read's (the reference), which would be a bug here.
 */
async function walkByCopy(
  tx: DbOrTx,
  orgId: string,
  reader: CopyReader,
  walk: Walk,
  throughSeq: number,
  rangeSize: number,
  workers: number | undefined,
): Promise<boolean> {
  let pool: HashPool | null = null;
  const size = workers ?? hashWorkersFor(throughSeq - walk.last.seq);
  if (size > 0) {
    try {
      pool = new HashPool(reader, size, Math.max(1, Math.min(BATCH_ROWS, Math.ceil(rangeSize / 4))));
    } catch (error) {
      console.warn('[audit] chain verification: no hash workers, hashing on the main thread', error);
    }
  }
  let disagreements = 0;
  const disagree = (seq: number) => {
    console.warn(`[audit] chain verification: the COPY read disagrees with the Drizzle read at #${seq}`);
    return ++disagreements <= MAX_DISAGREEMENTS;
  };
  try {
    let from = walk.last.seq;
    while (from < throughSeq && !walk.stop) {
      const to = Math.min(from + rangeSize, throughSeq);
      const saved = walk.save();
      let first: FastEntry | undefined;
      try {
        first = pool ? await pool.scan(reader, from, to, walk) : await scanByCopy(reader, from, to, walk.visit);
      } catch (error) {
        if (!pool?.broken) throw error;
        // A hash worker died: this range again, and the rest, on this thread.
        console.warn('[audit] chain verification: a hash worker failed, hashing on the main thread', error);
        await pool.close();
        pool = null;
        walk.restore(saved);
        continue;
      }
      // Spot check: the range's first entry, canonicalized from the Drizzle read.
      if (first?.canonical !== undefined) {
        const row = await drizzleRow(tx, orgId, first);
        if (row && canonicalize(chainRecord(row)) !== first.canonical) {
          disagree(first.seq);
          walk.restore(saved);
          return false;
        }
      }
      from = to;
      const stop = walk.stop as Stop | null; // set by the visits above
      if (stop?.check === 'hash') {
        // A mismatch is confirmed through the Drizzle read before it is reported.
        const row = await drizzleRow(tx, orgId, stop.entry);
        if (row && computeEntryHash(row) === row.hash) {
          walk.stop = null;
          walk.accept(toWalkEntry(row));
          if (!disagree(row.seq)) return false;
          from = row.seq;
        }
      }
    }
    return true;
  } finally {
    await pool?.close();
  }
}

/** The default COPY range: large enough that per-query overhead vanishes, small enough to drain quickly after a break. */
const COPY_RANGE = 100_000;
/** Chains at least this long are hashed in worker threads (starting them costs a few tens of milliseconds). */
const POOL_MIN_ENTRIES = 20_000;

/** Hash worker threads verifyChain starts by default on a server for this many entries (0: the calling thread). */
export function hashWorkersFor(entries: number): number {
  return entries >= POOL_MIN_ENTRIES ? poolSize() : 0;
}
/** Rows the COPY read got wrong (confirmed by the Drizzle read) before the rest goes through Drizzle. */
const MAX_DISAGREEMENTS = 3;

export type VerifyOptions = {
  /** Entries per Drizzle batch, or seq numbers per COPY range on a server. */
  batchSize?: number;
  /** Hash worker threads on a server: 0 hashes on the calling thread; unset picks by chain length and cores. */
  hashWorkers?: number;
  /** Start after this entry, already known intact (./check-chain), instead of at the retention anchor. */
  from?: ChainPoint;
};

/** Where the organization's chain starts: its newest retention anchor, or genesis. Tenancy: `orgId` only. */
export async function getChainStart(tx: DbOrTx, orgId: string): Promise<ChainPoint> {
  const anchor = await getLatestChainAnchor(tx, orgId);
  return { seq: anchor?.seq ?? 0, hash: anchor?.hash ?? GENESIS_HASH, occurredAt: null };
}

/**
 * Recomputes an organization's whole chain from its retention anchor (or genesis) up to its head, in seq
 * order, and reports the first break. Read-only, takes no locks: writers keep appending meanwhile, and every
 * row at or below the head read first is already committed. Tenancy: `orgId` only.
 *
 * On a PostgreSQL server the entries are read with COPY and hashed as they stream in (./verify-copy); on PGlite
 * in keyset batches through Drizzle. `batchSize` sets the batch (or COPY range) size. With `from`, only the
 * entries after that point are checked (linked to its hash): ./check-chain's incremental pass.
 */
export async function verifyChain(tx: DbOrTx, orgId: string, opts: VerifyOptions = {}): Promise<ChainVerification> {
  const start = opts.from ?? (await getChainStart(tx, orgId));
  const head = await getChainHead(tx, orgId);
  const headPoint = head ?? { seq: start.seq, hash: start.hash };
  const walk = new Walk(start);

  const reader = copyReader(tx, orgId);
  if (!(reader && (await walkByCopy(tx, orgId, reader, walk, headPoint.seq, opts.batchSize ?? COPY_RANGE, opts.hashWorkers)))) {
    if (!walk.stop) await walkThroughDrizzle(tx, orgId, walk, headPoint.seq, opts.batchSize ?? 2000);
  }

  const last = walk.last;
  const count = walk.count;
  const done = (b: Break | null): ChainVerification =>
    b ? { ok: false, orgId, ...b, verifiedThrough: last, count } : { ok: true, orgId, verifiedThrough: last, count };

  if (walk.stop) {
    const { check, entry: row } = walk.stop;
    if (check === 'seq') {
      const expected = last.seq + 1;
      return done({
        at: expected,
        eventId: row.id,
        reason: 'missing_seq',
        detail: `#${expected}${row.seq - expected > 1 ? `–#${row.seq - 1}` : ''} missing before #${row.seq}`,
      });
    }
    if (check === 'link') return done(await linkBreak(tx, orgId, row));
    return done({ at: row.seq, eventId: row.id, reason: 'hash_mismatch', detail: `#${row.seq}'s content does not match its hash` });
  }

  if (last.seq < headPoint.seq) {
    return done({
      at: last.seq + 1,
      eventId: null,
      reason: 'missing_seq',
      detail: `#${last.seq + 1}–#${headPoint.seq} missing at the end (the chain head is #${headPoint.seq})`,
    });
  }
  if (last.hash !== headPoint.hash) {
    return done({ at: headPoint.seq, eventId: null, reason: 'head_mismatch', detail: `the chain head's hash for #${headPoint.seq} differs from the entry's` });
  }
  const beyond = await getFirstEntryAfter(tx, orgId, headPoint.seq);
  // A row past the head read at the start is fine if a writer committed it (and moved the head) since.
  if (beyond && beyond.seq > ((await getChainHead(tx, orgId))?.seq ?? headPoint.seq)) {
    return done({ at: beyond.seq, eventId: beyond.id, reason: 'head_mismatch', detail: `#${beyond.seq} lies beyond the chain head (#${headPoint.seq})` });
  }
  return done(null);
}

const REASON_TEXT: Record<ChainBreakReason, string> = {
  hash_mismatch: 'hash mismatch',
  prev_hash_mismatch: 'previous-hash mismatch',
  missing_seq: 'missing entry',
  out_of_order: 'out of order',
  head_mismatch: 'chain head mismatch',
  checkpoint_signature: 'checkpoint signature invalid',
  checkpoint_beyond_head: 'entries cut below a signed checkpoint',
  checkpoint_mismatch: 'contradicts a signed checkpoint',
  anchor_unsigned: 'chain start not signed by retention',
};

/** One line for people: "verified through #20123 at …" or "BROKEN at #512 (event …): hash mismatch". */
export function describeVerification(v: ChainVerification): string {
  if (v.ok) {
    const signed = v.checkpoints?.checked ? `; matches ${v.checkpoints.checked} signed checkpoint(s), newest #${v.checkpoints.newest}` : '';
    return v.verifiedThrough.occurredAt
      ? `verified through #${v.verifiedThrough.seq} at ${v.verifiedThrough.occurredAt}${signed}`
      : `verified: no entries after #${v.verifiedThrough.seq}${signed}`;
  }
  const event = v.eventId ? ` (event ${v.eventId})` : '';
  return `BROKEN at #${v.at}${event}: ${REASON_TEXT[v.reason]} (${v.detail})`;
}
