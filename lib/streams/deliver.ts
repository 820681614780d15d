import type { Db } from '@/db/client';
import { readChainOrder } from '@/db/queries/audit-keyset';
import { listCheckpointsAfter } from '@/db/queries/chain-checkpoints';
import { getChainHead } from '@/db/queries/chain-head';
import { advanceCursor, fixPendingBatch, recordDeliveryFailure, releaseLease, type ClaimedDestination } from '@/db/queries/stream-destinations';
import { auditEvents } from '@/db/schema/audit-events';
import type { HashedEntryRow } from '@/db/queries/chain-entries';
import { getTableColumns } from 'drizzle-orm';
import { recordAuditEvent } from '@/lib/recording/record';
import { isUnhealthy, retryDelayMs } from './backoff';
import { checkpointBatchId, streamBatchId } from './batch-id';
import { sinkForDestination } from './destination-sink';
import { healthChangeEntry } from './health-entry';
import { DeliveryError, type Sink } from './sink';
import { toStreamCheckpoint } from './stream-checkpoint';
import { toStreamEvent } from './stream-event';
import { streamQueryFilters } from './stream-filter';

export type DeliveryOptions = {
  /** This instance's lease owner id. */
  owner: string;
  batchSize: number;
  timeoutMs: number;
  retryMaxMs: number;
  unhealthyAfter: number;
  leaseSeconds: number;
  /** Batches one claim may send before handing the destination back, so a backlog cannot starve other destinations. */
  maxBatchesPerClaim: number;
  /** Aborts in-flight sends when the loop stops. */
  stop?: AbortSignal;
  /** Tests: a sink in place of the registry's. */
  sinkFor?: (dest: ClaimedDestination) => Sink;
};

export type ClaimOutcome = { delivered: number; batches: number; result: 'caught_up' | 'more' | 'failed' | 'lease_lost' };

const { receivedAt: _received, ...hashedColumns } = getTableColumns(auditEvents);
void _received;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 500);

/**
 * Delivers a leased destination's entries after its cursor, in chain order, batch by batch, up to the chain head
 * read when each batch starts (committed entries only: the head moves in the appending transaction, under its
 * lock, so every seq up to it is visible and none can appear below it later). The destination's filter decides
 * which entries are sent; the cursor passes over the others. Signed checkpoints follow the entries they cover: a
 * batch carries, after its entries, every checkpoint of a tree size past the checkpoint cursor and within the
 * entries sent so far; when the entries are caught up, a batch of checkpoints alone goes out. Both cursors move in
 * the one lease-checked update. On failure: backoff, count, health, lease released.
 */
export async function deliverClaim(db: Db, dest: ClaimedDestination, opts: DeliveryOptions): Promise<ClaimOutcome> {
  let sink: Sink;
  let cursor = dest.cursor;
  let pending = dest.pendingThroughSeq;
  let checkpointCursor = dest.checkpointCursor;
  let pendingCheckpoints = dest.pendingCheckpointSize;
  let head = dest.headSeq;
  let delivered = 0;
  let batches = 0;
  let unhealthy = dest.unhealthy;
  try {
    sink = (opts.sinkFor ?? sinkForDestination)(dest);
  } catch (error) {
    await fail(error);
    return { delivered, batches, result: 'failed' };
  }
  const filters = streamQueryFilters(dest.filter);

  // Paused, replayed, deleted or expired meanwhile: stop here; hand the lease back if it is still ours (a resume is then due at once).
  async function lost(): Promise<ClaimOutcome> {
    await releaseLease(db, dest.orgId, dest.id, opts.owner);
    return { delivered, batches, result: 'lease_lost' };
  }

  async function fail(error: unknown) {
    const retryable = error instanceof DeliveryError ? error.retryable : true;
    const consecutiveFailures = dest.consecutiveFailures + 1;
    const lastError = errorText(error);
    const nowUnhealthy = unhealthy || isUnhealthy(consecutiveFailures, opts.unhealthyAfter, retryable);
    // A receiver's Retry-After (sinks that read it set retryAfterMs) lengthens the wait, within the configured maximum.
    const asked = error instanceof DeliveryError ? ((error as DeliveryError & { retryAfterMs?: number }).retryAfterMs ?? 0) : 0;
    const retryInMs = Math.max(retryDelayMs(consecutiveFailures, opts.retryMaxMs), Math.min(asked, opts.retryMaxMs));
    await db.transaction(async (tx) => {
      const held = await recordDeliveryFailure(tx, dest.orgId, dest.id, opts.owner, cursor, {
        consecutiveFailures,
        lastError,
        unhealthy: nowUnhealthy,
        retryInMs,
      });
      if (held && nowUnhealthy && !unhealthy) {
        await recordAuditEvent(tx, healthChangeEntry({ ...dest, cursor }, { unhealthy: true, consecutiveFailures, lastError }));
      }
    });
  }

  try {
    while (batches < opts.maxBatchesPerClaim) {
      if (opts.stop?.aborted) return { delivered, batches, result: 'more' };
      let through: number;
      if (pending === null) {
        if (cursor >= head) head = (await getChainHead(db, dest.orgId))?.seq ?? 0;
        if (cursor >= head) {
          // Entries caught up: checkpoints signed since over entries already sent go out on their own.
          const signed = await listCheckpointsAfter(db, dest.orgId, checkpointCursor, cursor);
          if (signed.length === 0) break;
          const size = signed[signed.length - 1]!.seq;
          if (!(await fixPendingBatch(db, dest.orgId, dest.id, opts.owner, cursor, cursor, opts.leaseSeconds, size))) return lost();
          pending = cursor;
          pendingCheckpoints = size;
        } else {
          const rows = await readChainOrder<HashedEntryRow>(
            db,
            { orgId: dest.orgId, filters, afterSeq: cursor, throughSeq: head, limit: opts.batchSize },
            hashedColumns,
          );
          // A full batch ends at its last entry; a short one covers the whole window up to the head.
          through = rows.length === opts.batchSize ? rows[rows.length - 1]!.seq : head;
          const signed = await listCheckpointsAfter(db, dest.orgId, checkpointCursor, through);
          if (rows.length === 0 && signed.length === 0) {
            if (!(await advanceCursor(db, dest.orgId, dest.id, opts.owner, cursor, through, opts.leaseSeconds))) return lost();
            cursor = through;
            continue;
          }
          const size = signed.length > 0 ? signed[signed.length - 1]!.seq : null;
          if (!(await fixPendingBatch(db, dest.orgId, dest.id, opts.owner, cursor, through, opts.leaseSeconds, size))) return lost();
          pending = through;
          pendingCheckpoints = size;
        }
      }
      through = pending;
      // The same window and filter read again give the same entries, and the same sizes the same checkpoints (the
      // first signed of each): a retry resends exactly the batch it failed with.
      const rows =
        through > cursor
          ? await readChainOrder<HashedEntryRow>(
              db,
              { orgId: dest.orgId, filters, afterSeq: cursor, throughSeq: through, limit: opts.batchSize },
              hashedColumns,
            )
          : [];
      const checkpoints =
        pendingCheckpoints === null
          ? []
          : (await listCheckpointsAfter(db, dest.orgId, checkpointCursor, pendingCheckpoints)).flatMap((c) => toStreamCheckpoint(c) ?? []);
      if (rows.length > 0 || checkpoints.length > 0) {
        const batch = {
          id:
            through > cursor
              ? streamBatchId(dest.id, dest.generation, cursor, through)
              : checkpointBatchId(dest.id, dest.generation, checkpointCursor, pendingCheckpoints ?? checkpointCursor),
          orgId: dest.orgId,
          destinationId: dest.id,
          events: rows.map(toStreamEvent),
          ...(checkpoints.length > 0 ? { checkpoints } : {}),
          attemptAt: new Date(),
          window: { afterSeq: cursor, throughSeq: through },
          filter: dest.filter,
        };
        const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.stop ? [opts.stop] : [])];
        try {
          await sink.send(batch, AbortSignal.any(signals));
        } catch (error) {
          if (opts.stop?.aborted) return { delivered, batches, result: 'more' };
          await fail(error);
          return { delivered, batches, result: 'failed' };
        }
      }
      const checkpointTo = pendingCheckpoints ?? undefined;
      const moved = await db.transaction(async (tx) => {
        if (!(await advanceCursor(tx, dest.orgId, dest.id, opts.owner, cursor, through, opts.leaseSeconds, checkpointTo))) return false;
        if (unhealthy) await recordAuditEvent(tx, healthChangeEntry({ ...dest, cursor }, { unhealthy: false, deliveredThrough: through }));
        return true;
      });
      if (!moved) return lost();
      unhealthy = false;
      dest.consecutiveFailures = 0;
      delivered += rows.length;
      batches += 1;
      cursor = through;
      pending = null;
      if (checkpointTo !== undefined) checkpointCursor = checkpointTo;
      pendingCheckpoints = null;
    }
    const more = cursor < head || batches >= opts.maxBatchesPerClaim;
    await releaseLease(db, dest.orgId, dest.id, opts.owner);
    return { delivered, batches, result: more ? 'more' : 'caught_up' };
  } finally {
    await sink.close().catch(() => {});
  }
}
