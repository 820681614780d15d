import type { Db, Tx } from '@/db/client';
import { mapInSlices } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import type { ApiKeyPrincipal } from '@/lib/auth/api-keys';
import { canonicalIpTexts, type PreparedRow } from '@/lib/chain/append';
import { uuidv7 } from '@/lib/ids';
import type { IngestEvent } from './event-schema';
import { claimEventKeys, claimRequestKey, saveRequestResponse, type StoredResponse } from '@/db/queries/idempotency-keys';
import { appendPrepared } from '@/lib/recording/append';
import { notifyAuditAppended } from '@/db/queries/audit-notify';
import { commitInGroup } from './group-commit';

export { IngestOutcomeUnknown } from './group-commit';
import { IDEMPOTENCY_WINDOW_HOURS } from './limits';
import { ingestAttribution } from './to-audit-entry';
import { prepareIngestRow } from './prepare-ingest-row';

/** Per event, in batch order: the stored id, or for a repeated idempotency_key the id stored the first time. */
export type IngestResult = { id: string; index: number; duplicate: boolean };
export type IngestSuccessBody = { data: IngestResult[]; request_id: string };

export type IngestOutcome =
  { kind: 'stored'; response: { status: 201; body: IngestSuccessBody } } | { kind: 'replayed'; response: StoredResponse } | { kind: 'key_reused' };

/** A validated batch with every row built, redacted, diffed and prepared for the chain: what the transaction still needs. */
export type PreparedBatch = {
  orgId: string;
  requestId: string;
  events: IngestEvent[];
  ids: string[];
  rows: PreparedRow[];
  idempotency?: { key: string; bodyHash: string };
};

/** Ids of events whose key repeats one stored earlier or earlier in this same batch (first occurrence wins). */
async function resolveDuplicates(tx: Tx, batch: PreparedBatch): Promise<Map<number, string>> {
  const firstByKey = new Map<string, string>();
  const duplicates = new Map<number, string>();
  batch.events.forEach((event, index) => {
    const key = event.idempotency_key;
    if (key === undefined) return;
    const first = firstByKey.get(key);
    if (first) duplicates.set(index, first);
    else firstByKey.set(key, batch.ids[index]!);
  });
  if (firstByKey.size === 0) return duplicates;
  // Keys of a batch merged earlier into this transaction are seen as held: a repeat across batches is a duplicate too.
  const held = await claimEventKeys(tx, batch.orgId, firstByKey, IDEMPOTENCY_WINDOW_HOURS);
  batch.events.forEach((event, index) => {
    const key = event.idempotency_key;
    const earlier = key === undefined ? undefined : held.get(key);
    if (earlier) duplicates.set(index, earlier);
  });
  return duplicates;
}

/**
 * One batch's part of a group transaction: its Idempotency-Key claim (or replay), its event keys, its response
 * saved for replays. Returns the outcome and the rows to append (none for a replay or a reused key).
 */
async function claimBatch(tx: Tx, batch: PreparedBatch): Promise<{ outcome: IngestOutcome; rows: PreparedRow[] }> {
  const { idempotency } = batch;
  if (idempotency) {
    const claim = await claimRequestKey(tx, batch.orgId, idempotency.key, idempotency.bodyHash, IDEMPOTENCY_WINDOW_HOURS);
    if (!claim.claimed) {
      if (claim.requestHash !== idempotency.bodyHash || !claim.response) return { outcome: { kind: 'key_reused' }, rows: [] };
      return { outcome: { kind: 'replayed', response: claim.response }, rows: [] };
    }
  }
  const duplicates = await resolveDuplicates(tx, batch);
  const data = batch.ids.map((id, index) => {
    const earlier = duplicates.get(index);
    return earlier ? { id: earlier, index, duplicate: true } : { id, index, duplicate: false };
  });
  const response = { status: 201 as const, body: { data, request_id: batch.requestId } };
  // Saved before a later batch of the same group claims the same key: that one is then a replay, as it would be alone.
  if (idempotency) await saveRequestResponse(tx, batch.orgId, idempotency.key, response);
  return { outcome: { kind: 'stored', response }, rows: batch.rows.filter((_, index) => !duplicates.has(index)) };
}

/**
 * Stores batches of ONE organization in the caller's transaction, in order: each batch's claims, then all their
 * rows in one append (one chain-head lock, one COPY). Transaction: the caller's; it holds the idempotency claims
 * too, so a rolled-back group leaves no events and no keys behind. Tenancy: every batch's orgId is `orgId`.
 */
export async function storeBatches(tx: Tx, orgId: string, batches: readonly PreparedBatch[]): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  const rows: PreparedRow[] = [];
  for (const batch of batches) {
    if (batch.orgId !== orgId) throw new Error('a group commit mixes organizations');
    const claimed = await claimBatch(tx, batch);
    outcomes.push(claimed.outcome);
    rows.push(...claimed.rows);
  }
  const moved = await appendPrepared(tx, orgId, rows);
  // One call per appending transaction (delivered at commit): the live tail's only signal (lib/live).
  if (moved) await notifyAuditAppended(tx, [moved]);
  return outcomes;
}

type BatchInput = { key: ApiKeyPrincipal; request: RequestContext; events: IngestEvent[]; now: Date; idempotency?: { key: string; bodyHash: string } };

/**
 * Builds every row of a validated batch outside any transaction (ids, entries, redaction, diff, canonical form,
 * COPY text; only the SHA-256 waits for the row's place in the chain); `db` is only asked for the text form of unusual addresses. received_at is the
 * request's arrival. Tenancy: key.orgId only.
 */
export async function prepareIngestBatch(db: Db, { key, request, events, now, idempotency }: BatchInput): Promise<PreparedBatch> {
  const context = {
    key,
    ingest: ingestAttribution(key, request),
    receivedAt: now,
    canonicalIps: await canonicalIpTexts(
      db,
      events.map((e) => e.ip),
    ),
  };
  const ids: string[] = [];
  const rows = await mapInSlices(events, (event) => {
    const occurredAt = event.occurred_at ?? now;
    const id = uuidv7(occurredAt);
    ids.push(id);
    return prepareIngestRow(event, id, occurredAt, context);
  });
  return { orgId: key.orgId, requestId: request.requestId, events, ids, rows, idempotency };
}

/**
 * Stores a validated batch for the key's organization, all or nothing. Concurrent batches of one organization
 * in this process are committed together (group-commit.ts): one transaction, one lock, one COPY, one commit;
 * each is answered once that commit is durable, and one that fails fails alone. Throws IngestOutcomeUnknown when
 * the failure came at or after COMMIT; any other failure certainly rolled back. Tenancy: key.orgId only.
 */
export async function recordIngestBatch(db: Db, opts: BatchInput): Promise<IngestOutcome> {
  return commitInGroup(db, await prepareIngestBatch(db, opts), storeBatches);
}
