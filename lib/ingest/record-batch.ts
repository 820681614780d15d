import type { Db, Tx } from '@/db/client';
import { recordAuditEvents } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import type { ApiKeyPrincipal } from '@/lib/auth/api-keys';
import { uuidv7 } from '@/lib/ids';
import type { IngestEvent } from './event-schema';
import { claimEventKeys, claimRequestKey, saveRequestResponse, type StoredResponse } from '@/db/queries/idempotency-keys';
import { IDEMPOTENCY_WINDOW_HOURS } from './limits';
import { ingestAttribution, toAuditEntry } from './to-audit-entry';

/** Per event, in batch order: the stored id, or for a repeated idempotency_key the id stored the first time. */
export type IngestResult = { id: string; index: number; duplicate: boolean };
export type IngestSuccessBody = { data: IngestResult[]; request_id: string };

export type IngestOutcome =
  { kind: 'stored'; response: { status: 201; body: IngestSuccessBody } } | { kind: 'replayed'; response: StoredResponse } | { kind: 'key_reused' };

type Prepared = { event: IngestEvent; id: string; occurredAt: Date };

/** Ids of events whose key repeats one stored earlier or earlier in this same batch (first occurrence wins). */
async function resolveDuplicates(tx: Tx, orgId: string, prepared: Prepared[]): Promise<Map<number, string>> {
  const firstByKey = new Map<string, string>();
  const duplicates = new Map<number, string>();
  prepared.forEach((p, index) => {
    const key = p.event.idempotency_key;
    if (key === undefined) return;
    const first = firstByKey.get(key);
    if (first) duplicates.set(index, first);
    else firstByKey.set(key, p.id);
  });
  if (firstByKey.size === 0) return duplicates;
  const held = await claimEventKeys(tx, orgId, firstByKey, IDEMPOTENCY_WINDOW_HOURS);
  prepared.forEach((p, index) => {
    const key = p.event.idempotency_key;
    const earlier = key === undefined ? undefined : held.get(key);
    if (earlier) duplicates.set(index, earlier);
  });
  return duplicates;
}

async function storeBatch(tx: Tx, key: ApiKeyPrincipal, request: RequestContext, events: IngestEvent[], now: Date): Promise<IngestSuccessBody> {
  const prepared = events.map((event) => {
    const occurredAt = event.occurred_at ?? now;
    return { event, occurredAt, id: uuidv7(occurredAt) };
  });
  const duplicates = await resolveDuplicates(tx, key.orgId, prepared);
  const ingest = ingestAttribution(key, request);
  const entries = prepared.filter((_, index) => !duplicates.has(index)).map((p) => ({ ...toAuditEntry(p.event, key, p), systemMetadata: { ingest } }));
  await recordAuditEvents(tx, entries);
  const data = prepared.map((p, index) => {
    const earlier = duplicates.get(index);
    return earlier ? { id: earlier, index, duplicate: true } : { id: p.id, index, duplicate: false };
  });
  return { data, request_id: request.requestId };
}

/**
 * The batch's transaction failed once its work was done: at COMMIT or after it (the connection lost with the
 * COMMIT sent, or its answer lost). Whether the batch was stored is unknown; the idempotency claim commits with
 * the events, so a retry with the same Idempotency-Key replays the stored result if it was.
 */
export class IngestOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super('the ingest transaction failed at or after COMMIT', { cause });
    this.name = 'IngestOutcomeUnknown';
  }
}

/**
 * Stores a validated batch for the key's organization, all or nothing, in ONE transaction that also holds
 * the idempotency claims: a failed batch leaves no events and no keys behind. Throws IngestOutcomeUnknown
 * when the failure came at or after COMMIT; any other failure certainly rolled back. Tenancy: key.orgId only.
 */
type BatchInput = { key: ApiKeyPrincipal; request: RequestContext; events: IngestEvent[]; now: Date; idempotency?: { key: string; bodyHash: string } };

export async function recordIngestBatch(db: Db, opts: BatchInput): Promise<IngestOutcome> {
  let committing = false;
  try {
    return await db.transaction(async (tx) => {
      const outcome = await storeOrReplay(tx, opts);
      // Only COMMIT follows: from here on a failure may come after the batch was stored.
      committing = true;
      return outcome;
    });
  } catch (error) {
    throw committing ? new IngestOutcomeUnknown(error) : error;
  }
}

async function storeOrReplay(tx: Tx, { key, request, events, now, idempotency }: BatchInput): Promise<IngestOutcome> {
  if (idempotency) {
    const claim = await claimRequestKey(tx, key.orgId, idempotency.key, idempotency.bodyHash, IDEMPOTENCY_WINDOW_HOURS);
    if (!claim.claimed) {
      if (claim.requestHash !== idempotency.bodyHash || !claim.response) return { kind: 'key_reused' };
      return { kind: 'replayed', response: claim.response };
    }
  }
  const body = await storeBatch(tx, key, request, events, now);
  const response = { status: 201 as const, body };
  if (idempotency) await saveRequestResponse(tx, key.orgId, idempotency.key, response);
  return { kind: 'stored', response };
}
