import { computeEntryHash } from '@/lib/chain/entry-hash';
import { EXPORT_PROOF_TYPE, type ExportProof } from '@/lib/chain/export-proof';
import { checkRuns, openProofCheckpoint, type ExportCheck } from '@/lib/chain/proof-check';
import { chainedFieldsOf } from '@/lib/chain/public-record';

/**
 * Checks an exported JSONL file on its own (no database): every row hashes to its recorded entry hash and belongs to
 * the organization whose log the checkpoint signs; every run of consecutive entries is complete, linked, and its ends
 * are in the signed tree. Pure: the caller reads the file and the key. Used by scripts/verify-export.ts.
 */

type JsonRecord = Record<string, unknown> & { id: string; org_id: string; seq: number; prev_hash: string; hash: string };

export type { ExportCheck };

export function checkExport(content: string, trustedKey: string): ExportCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const lines = content.split('\n').filter((l) => l.trim() !== '');
  const proof = lines.length ? (JSON.parse(lines[lines.length - 1]!) as ExportProof) : null;
  if (!proof || proof.type !== EXPORT_PROOF_TYPE) return { ok: false, rows: 0, proven: 0, problems: ['the file has no proof trailer'], notes };
  const rows = lines.slice(0, -1).map((l) => JSON.parse(l) as JsonRecord);
  const root = openProofCheckpoint(proof, trustedKey, problems);

  // Each row: this organization's, unaltered.
  rows.forEach((r, i) => {
    const where = `row ${i + 1} (event ${r.id}, #${r.seq})`;
    if (r.org_id !== proof.org_id) problems.push(`${where} belongs to another organization (${r.org_id})`);
    else if (computeEntryHash(chainedFieldsOf(r)) !== r.hash) problems.push(`${where} was altered: its content does not hash to its entry hash`);
  });
  const proven = checkRuns(rows, proof, root, problems, notes);
  return { ok: problems.length === 0, rows: rows.length, proven, problems, notes };
}
