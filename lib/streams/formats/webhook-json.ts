import type { StreamBatch } from '@/lib/streams/sink';

/** Body of a webhook delivery: the batch's events, each with seq, prev_hash and hash, and where the batch sits in the chain. */
export type WebhookBody = {
  type: 'audit.events' | 'audit.test';
  batch: {
    id: string;
    org_id: string;
    destination_id: string;
    after_seq: number | null;
    through_seq: number | null;
    count: number;
    filter: string;
  };
  events: StreamBatch['events'];
  /** Signed checkpoints (type "audit.checkpoint") whose entries have all been sent, after this batch's events; absent when none. */
  checkpoints?: NonNullable<StreamBatch['checkpoints']>;
};

/**
 * The JSON body, identical on every retry of the batch (so is its signature's payload, apart from the timestamp):
 * no send time in it. `after_seq`/`through_seq` let a receiver check that consecutive batches meet.
 */
export function webhookBody(batch: StreamBatch): string {
  const body: WebhookBody = {
    type: batch.test ? 'audit.test' : 'audit.events',
    batch: {
      id: batch.id,
      org_id: batch.orgId,
      destination_id: batch.destinationId,
      after_seq: batch.window?.afterSeq ?? null,
      through_seq: batch.window?.throughSeq ?? null,
      count: batch.events.length,
      filter: batch.filter ?? '',
    },
    events: batch.events,
  };
  if (batch.checkpoints?.length) body.checkpoints = batch.checkpoints;
  return JSON.stringify(body);
}
