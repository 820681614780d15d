/**
 * The contract between the log-stream delivery loop and a destination kind (webhook, Splunk HEC, Datadog, syslog).
 * The loop reads a batch of one organization's entries in chain order, formats it for the destination and hands
 * it to the destination's sink; a sink either delivers the whole batch or throws a DeliveryError.
 */

/** One audit entry as it leaves the product: the API's event JSON plus its place in the chain. */
export type StreamEvent = {
  id: string;
  seq: number;
  prev_hash: string;
  hash: string;
  occurred_at: string;
  org_id: string;
  [field: string]: unknown;
};

/**
 * A signed checkpoint as it leaves the product, after the entries it covers: the C2SP tlog-checkpoint signed note
 * (origin, tree size, root hash, Ed25519 signature) as signed, with its size and root repeated for search. The
 * note is what a receiver trusts (`npm run stream:verify -- --key`); the other fields are conveniences.
 */
export type StreamCheckpoint = {
  type: 'audit.checkpoint';
  org_id: string;
  tree_size: number;
  root_hash: string;
  signed_at: string;
  note: string;
};

/** A batch of consecutive entries (seq first..last, no gaps) for one destination. */
export type StreamBatch = {
  /** Stable across retries and instances: the same batch always has the same id (a receiver can drop duplicates). */
  id: string;
  orgId: string;
  destinationId: string;
  events: StreamEvent[];
  /** Signed checkpoints whose entries have all been sent (in this batch or before), sent after `events`, smallest first. */
  checkpoints?: StreamCheckpoint[];
  /** When the loop started this attempt (used for timestamps in signatures and envelopes). */
  attemptAt: Date;
  /**
   * The chain window the batch covers, afterSeq < seq <= throughSeq: with a filter, entries in it that are not
   * in `events` did not match. Consecutive batches' windows meet, so a receiver can tell a lost batch from a filter.
   * Absent on a test event.
   */
  window?: { afterSeq: number; throughSeq: number };
  /** The destination's filter (the viewer's URL parameters), empty for every entry. */
  filter?: string;
  /** A test event sent from the Streams screen: not part of the chain. */
  test?: boolean;
};

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** false when retrying the same request cannot help (e.g. 400/401/403/404/413 from the receiver). */
    readonly retryable: boolean,
    /** The receiver's status code, when there was one. */
    readonly status?: number,
    /** How long the receiver asked us to wait before the next attempt (HTTP Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Sink {
  /** Delivers the whole batch or throws DeliveryError. Must honour `signal` (the loop's timeout) and never hang. */
  send(batch: StreamBatch, signal: AbortSignal): Promise<void>;
  /** Releases sockets (syslog keeps a connection open between batches). */
  close(): Promise<void>;
}
