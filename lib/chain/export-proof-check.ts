import { createPublicKey, type KeyObject } from 'node:crypto';
import { computeEntryHash } from '@/lib/chain/entry-hash';
import { chainedFieldsOf } from '@/lib/chain/public-record';
import { leafHash, verifyInclusion } from '@/lib/chain/merkle';
import { openNote, parseCheckpointText, parseVerifierKey } from '@/lib/chain/signed-note';

/**
 * Checks an exported JSONL file on its own (no database): every row hashes to its recorded entry hash and belongs to
 * the organization whose log the checkpoint signs; every run of consecutive entries is complete, linked, and its ends
 * are in the signed tree. Pure: the caller reads the file and the key. Used by scripts/verify-export.ts.
 */

type JsonRecord = Record<string, unknown> & {
  id: string;
  org_id: string;
  seq: number;
  prev_hash: string;
  hash: string;
  actor: { type: string; id: string | null; label: string };
  object: { type: string; id: string | null; label: string | null };
};

type Proof = {
  type: string;
  org_id: string;
  origin: string;
  verifier_key: string;
  checkpoint: string | null;
  tree_size: number;
  segments: { first: number; last: number; first_proof: string[]; last_proof: string[] }[];
  unproven: number[];
};

export type ExportCheck = { ok: boolean; rows: number; proven: number; problems: string[]; notes: string[] };

/** The key to trust: a note verifier key ("name+id+key") or an Ed25519 public key PEM. */
function keyOf(key: string): { name: string | null; publicKey: KeyObject } {
  if (key.includes('BEGIN PUBLIC KEY')) return { name: null, publicKey: createPublicKey(key) };
  return parseVerifierKey(key);
}

export function checkExport(content: string, trustedKey: string): ExportCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const lines = content.split('\n').filter((l) => l.trim() !== '');
  const last = lines.length ? (JSON.parse(lines[lines.length - 1]!) as Proof) : null;
  if (!last || last.type !== 'audit-log-export-proof') return { ok: false, rows: 0, proven: 0, problems: ['the file has no proof trailer'], notes };
  const proof = last;
  const rows = lines.slice(0, -1).map((l) => JSON.parse(l) as JsonRecord);
  const { name, publicKey } = keyOf(trustedKey);
  if (name !== null && name !== proof.origin) problems.push(`the key is for ${name}, but the file claims the log ${proof.origin}`);
  if (proof.origin !== `audit-log/${proof.org_id}`) problems.push(`the trailer's origin ${proof.origin} is not the log of organization ${proof.org_id}`);

  // The checkpoint: signed by the key, for this organization's log.
  let root: Buffer | null = null;
  if (proof.checkpoint) {
    const opened = openNote(proof.checkpoint, proof.origin, publicKey);
    const body = opened.ok ? parseCheckpointText(opened.text) : null;
    if (!opened.ok) problems.push(`the checkpoint: ${opened.reason}`);
    else if (!body || body.origin !== proof.origin || body.size !== proof.tree_size) problems.push('the checkpoint does not match the trailer');
    else root = body.root;
  } else problems.push('the file carries no signed checkpoint');

  // Each row: this organization's, unaltered.
  const bySeq = new Map<number, JsonRecord>();
  rows.forEach((r, i) => {
    const where = `row ${i + 1} (event ${r.id}, #${r.seq})`;
    if (r.org_id !== proof.org_id) problems.push(`${where} belongs to another organization (${r.org_id})`);
    else if (computeEntryHash(chainedFieldsOf(r)) !== r.hash) problems.push(`${where} was altered: its content does not hash to its entry hash`);
    bySeq.set(r.seq, r);
  });

  // Each segment: complete, linked, both ends in the signed tree.
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
      const ok = verifyInclusion(
        seq - 1,
        proof.tree_size,
        leafHash(row.hash),
        path.map((p) => Buffer.from(p, 'base64')),
        root,
      );
      if (!ok) problems.push(`#${seq} is not in the signed log (its inclusion proof fails)`);
    }
    if (missing.length === 0) proven += seg.last - seg.first + 1;
  }
  const unproven = new Set(proof.unproven);
  const stray = rows.filter((r) => !inSegment.has(r.seq) && !unproven.has(r.seq));
  for (const r of stray) problems.push(`#${r.seq} (event ${r.id}) is in no proven range: added to the file`);
  if (proof.unproven.length) notes.push(`${proof.unproven.length} row(s) carry no proof (newer than the checkpoint, or past the trailer's 5,000 runs)`);
  return { ok: problems.length === 0, rows: rows.length, proven, problems, notes };
}
