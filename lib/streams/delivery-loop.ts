import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Db } from '@/db/client';
import { inBackground } from '@/db/work-priority';
import { claimDueDestinations, releaseLease, type ClaimedDestination } from '@/db/queries/stream-destinations';
import { getSettings } from '@/lib/settings';
import { deliverClaim, type ClaimOutcome, type DeliveryOptions } from './deliver';

export type StreamLoopOptions = Omit<DeliveryOptions, 'owner' | 'stop'> & {
  /** Destinations delivered at once by this instance. */
  concurrency: number;
  /** How often to look for due destinations when idle. */
  pollMs: number;
  owner?: string;
  onClaimDone?: (dest: ClaimedDestination, outcome: ClaimOutcome) => void;
};

export type StreamLoop = {
  readonly owner: string;
  /** One pass now (tests): claim what is due and deliver it; resolves when those claims are done. */
  runOnce(): Promise<ClaimOutcome[]>;
  /** Stops claiming, aborts sends in flight, hands back the leases it holds. */
  stop(): Promise<void>;
  /** Tests: stops as if the process died, leases left to expire. */
  kill(): void;
};

/** The loop's settings from lib/settings.ts (README: STREAM_*). */
export function streamLoopOptionsFromSettings(): StreamLoopOptions {
  const s = getSettings();
  return {
    batchSize: s.streamBatchSize,
    timeoutMs: s.streamTimeoutSeconds * 1000,
    retryMaxMs: s.streamRetryMaxSeconds * 1000,
    unhealthyAfter: s.streamUnhealthyAfter,
    // Longer than any one send, so a live instance never loses its lease mid-batch; renewed after each batch.
    leaseSeconds: Math.max(s.streamLeaseSeconds, s.streamTimeoutSeconds + 1),
    maxBatchesPerClaim: 20,
    concurrency: 4,
    pollMs: 500,
  };
}

/**
 * The log-stream delivery loop of one instance: claims due destinations (leases in the database, so several
 * instances share the work and one that dies is taken over when its leases expire), delivers each on its own
 * (a slow receiver holds one of `concurrency` slots, bounded by the timeout, never the others or ingest).
 * `start: false` gives a loop that only runs when `runOnce` is called (tests).
 */
export function createStreamLoop(getDb: () => Promise<Db>, opts: StreamLoopOptions, start = true): StreamLoop {
  const owner = opts.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const abort = new AbortController();
  const inFlight = new Map<string, Promise<ClaimOutcome>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let killed = false;

  async function claimAndDeliver(): Promise<Promise<ClaimOutcome>[]> {
    const free = opts.concurrency - inFlight.size;
    if (free <= 0 || stopped) return [];
    const db = await getDb();
    const claimed = await claimDueDestinations(db, owner, opts.leaseSeconds, free);
    return claimed.map((dest) => {
      const key = `${dest.orgId}/${dest.id}`;
      const run = deliverClaim(db, dest, { ...opts, owner, stop: abort.signal })
        .catch((error): ClaimOutcome => {
          console.error(`[streams] delivery to destination ${dest.id} failed unexpectedly`, error);
          return { delivered: 0, batches: 0, result: 'failed' };
        })
        .then(async (outcome) => {
          // Stopped mid-claim: hand the lease back so another instance need not wait for it to expire (a kill leaves it).
          if (abort.signal.aborted && !killed && outcome.result === 'more') await releaseLease(db, dest.orgId, dest.id, owner).catch(() => {});
          inFlight.delete(key);
          opts.onClaimDone?.(dest, outcome);
          // A destination with more to send is due again at once: look again without waiting for the poll.
          if (outcome.result === 'more' && !stopped) schedule(0);
          return outcome;
        });
      inFlight.set(key, run);
      return run;
    });
  }

  function schedule(ms: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref?.();
  }

  async function tick() {
    timer = undefined;
    try {
      // Background on the embedded database's one connection: pages go first (db/connection-scheduler.ts).
      await inBackground(claimAndDeliver);
    } catch (error) {
      console.error('[streams] claiming due destinations failed', error);
    }
    schedule(opts.pollMs);
  }

  if (start) schedule(0);

  return {
    owner,
    async runOnce() {
      return Promise.all(await claimAndDeliver());
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await Promise.allSettled(inFlight.values());
    },
    kill() {
      stopped = true;
      killed = true;
      if (timer) clearTimeout(timer);
      abort.abort();
    },
  };
}
