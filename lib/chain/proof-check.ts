import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ExportProof } from '@/lib/chain/export-proof';
import { leafHash, verifyInclusion } from '@/lib/chain/merkle';
import { openNote, parseCheckpointText, parseVerifierKey } from '@/lib/chain/signed-note';

/*
 * What every export's proof check shares (JSON Lines trailer, CSV sidecar): the checkpoint signed by the trusted key
 * for the organization's log, and each run of consecutive entries complete, linked and with both ends in the signed
 * tree. Pure, no database: the callers have already checked each row's content against its entry hash.
 */

/** The parts of a proof these checks read (the trailer or the sidecar's last line, as parsed JSON). */
export type ProofClaims = Pick<ExportProof, 'org_id' | 'origin' | 'checkpoint' | 'tree_size' | 'segments' | 'unproven'>;

/** A row as the run checks need it: its place on the chain and the hashes that link it. */
export type ChainedRow = { id: string; seq: number; prev_hash: string; hash: string };

export type ExportCheck = { ok: boolean; rows: number; proven: number; problems: string[]; notes: string[] };

/** The key to trust: a note verifier key ("name+id+key") or an Ed25519 public key PEM. */
function keyOf(key: string): { name: string | null; publicKey: KeyObject } {
  if (key.includes('BEGIN PUBLIC KEY')) return { name: null, publicKey: createPublicKey(key) };
  return parseVerifierKey(key);
}

/** The signed root the proof's checkpoint vouches for, or null with the reason in `problems`. */
export function openProofCheckpoint(proof: ProofClaims, trustedKey: string, problems: string[]): Buffer | null {
  const { name, publicKey } = keyOf(trustedKey);
  if (name !== null && name !== proof.origin) problems.push(`the key is for ${name}, but the file claims the log ${proof.origin}`);
  if (proof.origin !== `audit-log/${proof.org_id}`) problems.push(`the proof's origin ${proof.origin} is not the log of organization ${proof.org_id}`);
  if (!proof.checkpoint) {
    problems.push('the file carries no signed checkpoint');
    return null;
  }
  const opened = openNote(proof.checkpoint, proof.origin, publicKey);
  const body = opened.ok ? parseCheckpointText(opened.text) : null;
  if (!opened.ok) problems.push(`the checkpoint: ${opened.reason}`);
  else if (!body || body.origin !== proof.origin || body.size !== proof.tree_size)
    problems.push('the checkpoint does not match the proof (its log or tree size differs)');
  else return body.root;
  return null;
}

/**
 * Each run: complete, linked (every entry's prev_hash is the one before's hash), both ends in the tree `root` signs;
 * and no row outside a run unless the proof lists it as unproven. Returns how many rows are proven.
 */
export function checkRuns(rows: ChainedRow[], proof: ProofClaims, root: Buffer | null, problems: string[], notes: string[]): number {
  const bySeq = new Map<number, ChainedRow>();
  for (const r of rows) {
    if (bySeq.has(r.seq)) problems.push(`#${r.seq} appears more than once (event ${bySeq.get(r.seq)!.id} and event ${r.id})`);
    bySeq.set(r.seq, r);
  }
  let proven = 0;
  const inSegment = new Set<number>();
  for (const seg of proof.segments) {
    const missing: number[] = [];
    for (let s = seg.first; s <= seg.last; s++) {
      inSegment.add(s);
      const row = bySeq.get(s);
      if (!row) missing.push(s);
      else if (s > seg.first && bySeq.get(s - 1) && row.prev_hash !== bySeq.get(s - 1)!.hash) problems.push(`#${s} does not link to #${s - 1}`);
    }
    if (missing.length)
      problems.push(`entries missing from #${seg.first}–#${seg.last}: #${missing.slice(0, 10).join(', #')}${missing.length > 10 ? ', …' : ''}`);
    for (const [seq, path] of [
      [seg.first, seg.first_proof],
      [seg.last, seg.last_proof],
    ] as const) {
      const row = bySeq.get(seq);
      if (!row || !root) continue;
      const hashes = path.map((p) => Buffer.from(p, 'base64'));
      if (!verifyInclusion(seq - 1, proof.tree_size, leafHash(row.hash), hashes, root))
        problems.push(`#${seq} is not in the signed log (its inclusion proof fails)`);
    }
    if (missing.length === 0) proven += seg.last - seg.first + 1;
  }
  const unproven = new Set(proof.unproven);
  for (const r of rows) if (!inSegment.has(r.seq) && !unproven.has(r.seq)) problems.push(`#${r.seq} (event ${r.id}) is in no proven range: added to the file`);
  if (proof.unproven.length) notes.push(`${proof.unproven.length} row(s) carry no proof (newer than the checkpoint, or past the proof's 5,000 runs)`);
  return proven;
}
