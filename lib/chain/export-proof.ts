import { createPublicKey } from 'node:crypto';
import type { Db } from '@/db/client';
import { getNotedCheckpoint } from '@/db/queries/chain-checkpoints';
import { checkpointOrigin, tryCreateCheckpoint } from '@/lib/chain/checkpoints';
import { inclusionProofs } from '@/lib/chain/merkle-store';
import { verifierKey } from '@/lib/chain/signed-note';
import { getSigningKey } from '@/lib/chain/signing-key';

/**
 * The proof material an export carries (the JSONL trailer): a signed checkpoint covering its rows, and for each run
 * of consecutive seq numbers ("segment") the inclusion proofs of its first and last entry. A recipient with the
 * file and the public key checks it with scripts/verify-export.ts (./export-proof-check), no database needed.
 */
export type ExportProof = {
  type: 'audit-log-export-proof';
  version: 1;
  org_id: string;
  origin: string;
  verifier_key: string;
  checkpoint: string | null;
  tree_size: number;
  segments: { first: number; last: number; first_proof: string[]; last_proof: string[] }[];
  /** Rows newer than the checkpoint (none when one could be signed for the export), and runs past MAX_SEGMENTS. */
  unproven: number[];
};

export const EXPORT_PROOF_TYPE = 'audit-log-export-proof';

/** Runs of consecutive entries whose ends get inclusion proofs (two paths of ~24 hashes each at 10M entries). */
export const MAX_SEGMENTS = 5_000;

/** Runs of consecutive numbers in ascending order. */
export function segmentsOf(seqs: number[]): [number, number][] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/**
 * Builds the proof for exported rows with these seq numbers: the newest checkpoint, or a new one when the rows go past
 * it (another run signing meanwhile: then the newest again). Tenancy: `orgId` only.
 */
export async function buildExportProof(db: Db, orgId: string, seqs: number[]): Promise<ExportProof> {
  const max = seqs.length ? Math.max(...seqs) : 0;
  let cp = await getNotedCheckpoint(db, orgId);
  if (!cp || cp.seq < max) cp = (await tryCreateCheckpoint(db, orgId)) ?? (await getNotedCheckpoint(db, orgId));
  const size = cp?.note ? cp.seq : 0;
  const all = segmentsOf(seqs.filter((s) => s <= size));
  // A filtered export can be many short runs: past MAX_SEGMENTS the trailer would outgrow the rows, so the rest stay unproven.
  const covered = all.slice(0, MAX_SEGMENTS);
  const uncovered = new Set(all.slice(MAX_SEGMENTS).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));
  const ends = covered.flatMap(([a, b]) => [a - 1, b - 1]);
  const proofs = size > 0 ? await inclusionProofs(db, orgId, ends, size) : [];
  const origin = checkpointOrigin(orgId);
  const b64 = (hs: Buffer[]) => hs.map((h) => h.toString('base64'));
  return {
    type: EXPORT_PROOF_TYPE,
    version: 1,
    org_id: orgId,
    origin,
    verifier_key: verifierKey(origin, createPublicKey(getSigningKey().publicKeyPem)),
    checkpoint: cp?.note ?? null,
    tree_size: size,
    segments: covered.map(([first, last], i) => ({ first, last, first_proof: b64(proofs[2 * i]!), last_proof: b64(proofs[2 * i + 1]!) })),
    unproven: seqs.filter((s) => s > size || uncovered.has(s)).sort((a, b) => a - b),
  };
}
