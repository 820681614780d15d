import type { DbOrTx } from '@/db/client';
import { getAuditEvent } from '@/db/queries/audit-event';
import { getNotedCheckpoint } from '@/db/queries/chain-checkpoints';
import { getMerkleState } from '@/db/queries/chain-merkle';
import { leafHash } from '@/lib/chain/merkle';
import { consistencyProof, inclusionProof } from '@/lib/chain/merkle-store';

/**
 * Inclusion and consistency proofs (RFC 6962 / RFC 9162) against the organization's signed checkpoints, read from the
 * Merkle tiles: a few rows, whatever the log's size. What a client checks them with: lib/chain/merkle.ts's
 * verifyInclusion / verifyConsistency and the checkpoint note's signature.
 */

export type InclusionResult =
  | {
      ok: true;
      eventId: string;
      seq: number;
      leafIndex: number;
      entryHash: string;
      leafHash: string;
      treeSize: number;
      rootHash: string;
      checkpoint: string;
      proof: string[];
    }
  | { ok: false; code: 'not_found' | 'not_checkpointed'; message: string };

/** The proof that event `eventId` is in the newest checkpoint covering it. Tenancy: `orgId` only. */
export async function proveInclusion(db: DbOrTx, orgId: string, eventId: string): Promise<InclusionResult> {
  const event = await getAuditEvent(db, orgId, eventId);
  if (!event) return { ok: false, code: 'not_found', message: 'No event with this id in your organization.' };
  const cp = await getNotedCheckpoint(db, orgId);
  const built = await getMerkleState(db, orgId);
  if (!cp || cp.seq < event.seq || !built || built.size < cp.seq) {
    return { ok: false, code: 'not_checkpointed', message: `Event #${event.seq} is newer than the latest signed checkpoint; the next one will cover it.` };
  }
  const proof = await inclusionProof(db, orgId, event.seq - 1, cp.seq);
  return {
    ok: true,
    eventId: event.id,
    seq: event.seq,
    leafIndex: event.seq - 1,
    entryHash: event.hash,
    leafHash: leafHash(event.hash).toString('base64'),
    treeSize: cp.seq,
    rootHash: cp.rootHash!,
    checkpoint: cp.note!,
    proof: proof.map((h) => h.toString('base64')),
  };
}

export type ConsistencyResult =
  | {
      ok: true;
      from: { treeSize: number; rootHash: string; checkpoint: string };
      to: { treeSize: number; rootHash: string; checkpoint: string };
      proof: string[];
    }
  | { ok: false; code: 'not_found'; message: string };

/** The proof that the checkpoint of size `to` extends the one of size `from`. Tenancy: `orgId` only. */
export async function proveConsistency(db: DbOrTx, orgId: string, from: number, to: number): Promise<ConsistencyResult> {
  const [a, b] = [await getNotedCheckpoint(db, orgId, from), await getNotedCheckpoint(db, orgId, to)];
  if (!a || !b || from > to) return { ok: false, code: 'not_found', message: 'Both sizes must be signed checkpoints of your organization, from <= to.' };
  const proof = await consistencyProof(db, orgId, from, to);
  const side = (c: typeof a) => ({ treeSize: c.seq, rootHash: c.rootHash!, checkpoint: c.note! });
  return { ok: true, from: side(a), to: side(b), proof: proof.map((h) => h.toString('base64')) };
}
