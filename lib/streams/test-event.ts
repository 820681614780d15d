import type { StreamDestinationRow } from '@/db/schema/stream-destinations';
import { computeEntryHash, GENESIS_HASH, type ChainedFields } from '@/lib/chain/entry-hash';
import { uuidv7 } from '@/lib/ids';
import { sinkForDestination } from './destination-sink';
import { DeliveryError } from './sink';
import { toStreamEvent } from './stream-event';

/**
 * Sends one test event (seq 0, outside the chain, hashed like an entry so a receiver can check it) to a
 * destination through its sink, with the loop's timeout. Never touches the cursor. Returns the error text, or null.
 */
export async function sendTestEvent(dest: StreamDestinationRow, actorLabel: string, timeoutMs: number): Promise<string | null> {
  const now = new Date();
  const fields: ChainedFields = {
    orgId: dest.orgId,
    id: uuidv7(now),
    seq: 0,
    prevHash: GENESIS_HASH,
    occurredAt: now,
    actorType: 'user',
    actorId: null,
    actorLabel,
    source: 'web',
    ip: null,
    userAgent: null,
    requestId: null,
    action: 'test',
    objectType: 'stream_destination',
    objectId: dest.id,
    objectLabel: dest.name,
    module: 'Streams',
    project: null,
    message: `Test event for stream destination "${dest.name}"`,
    result: 'success',
    errorMessage: null,
    before: null,
    after: null,
    changes: null,
    changedFields: [],
    metadata: { test: true },
  };
  const event = toStreamEvent({ ...fields, hash: computeEntryHash(fields) });
  try {
    const sink = sinkForDestination(dest);
    try {
      await sink.send(
        { id: `test_${fields.id}`, orgId: dest.orgId, destinationId: dest.id, events: [event], attemptAt: now, test: true },
        AbortSignal.timeout(timeoutMs),
      );
    } finally {
      await sink.close().catch(() => {});
    }
    return null;
  } catch (error) {
    return error instanceof DeliveryError || error instanceof Error ? error.message : String(error);
  }
}
