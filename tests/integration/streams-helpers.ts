import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { listCheckpointsAfter } from '@/db/queries/chain-checkpoints';
import { getChainHead } from '@/db/queries/chain-head';
import { getStreamDestination } from '@/db/queries/stream-destinations';
import { auditEvents } from '@/db/schema';
import { executeAudited, type OperationContext } from '@/lib/recording/operation';
import { createStreamDestinationOperation } from '@/lib/operations/streams';
import { createStreamLoop, type StreamLoop, type StreamLoopOptions } from '@/lib/streams/delivery-loop';
import { TEST_CA_PEM } from '../support/webhook-receiver';

/** Small batches, short timeouts, retries after a few milliseconds: a test drives many attempts quickly. */
export const TEST_LOOP: StreamLoopOptions = {
  batchSize: 40,
  timeoutMs: 1500,
  retryMaxMs: 20,
  unhealthyAfter: 3,
  leaseSeconds: 30,
  maxBatchesPerClaim: 5,
  concurrency: 4,
  pollMs: 50,
};

/** A loop that only runs when the test calls runOnce. */
export function testLoop(db: Db, over: Partial<StreamLoopOptions> = {}): StreamLoop {
  return createStreamLoop(async () => db, { ...TEST_LOOP, ...over }, false);
}

/** Adds a webhook destination through the audited operation, as the Streams screen does; returns its id and secret. */
export async function addWebhook(db: Db, ctx: OperationContext, url: string, extra: Record<string, string> = {}) {
  const result = await executeAudited(db, createStreamDestinationOperation, ctx, {
    name: extra.name ?? 'SIEM',
    kind: 'webhook',
    format: 'json',
    filter: '',
    url,
    ca_cert: TEST_CA_PEM,
    ...extra,
  });
  if (!result.ok) throw new Error(`could not add the destination: ${result.error}`);
  return { id: result.data.id, secret: result.data.secret!.value };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the loop until the destination has passed the chain head and been sent every checkpoint over what it was sent
 * (or `tries` passes), waiting out backoff between passes.
 */
export async function drain(db: Db, loop: StreamLoop, orgId: string, destinationId: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const head = (await getChainHead(db, orgId))?.seq ?? 0;
    const dest = await getStreamDestination(db, orgId, destinationId);
    const unsent = dest ? await listCheckpointsAfter(db, orgId, dest.checkpointCursor, dest.cursor) : [];
    if (dest && dest.cursor >= head && dest.pendingThroughSeq === null && unsent.length === 0) return;
    await loop.runOnce();
    await pause(25);
  }
  throw new Error('the destination did not catch up');
}

/** The organization's seqs after `after`, in order. */
export async function seqsAfter(db: Db, orgId: string, after: number): Promise<number[]> {
  const rows = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(sql`${auditEvents.orgId} = ${orgId} and ${auditEvents.seq} > ${after}`)
    .orderBy(auditEvents.seq);
  return rows.map((r) => r.seq);
}

/** Every entry of the organization about stream destinations, oldest first. */
export async function streamEntries(db: Db, orgId: string) {
  return db
    .select()
    .from(auditEvents)
    .where(sql`${eq(auditEvents.orgId, orgId)} and ${auditEvents.objectType} = 'stream_destination'`)
    .orderBy(auditEvents.seq);
}
