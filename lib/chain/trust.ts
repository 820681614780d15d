import type { DbOrTx } from '@/db/client';
import { listAllCheckpoints } from '@/db/queries/chain-checkpoints';
import { listEntryHashesAt } from '@/db/queries/chain-entries';
import { getChainHead, getLatestChainAnchor } from '@/db/queries/chain-head';
import { getMerkleState, listEntryLinks } from '@/db/queries/chain-merkle';
import type { AuditChainAnchorRow, AuditCheckpointRow } from '@/db/schema/audit-chain';
import { verifyAnchor } from '@/lib/chain/anchor-signing';
import { checkpointOrigin, verifyCheckpoint } from '@/lib/chain/checkpoints';
import { CompactRange, leafHash } from '@/lib/chain/merkle';
import { rangeAt } from '@/lib/chain/merkle-store';
import { openNote, parseCheckpointText } from '@/lib/chain/signed-note';
import { publicKeyOf, rememberedTrue } from '@/lib/chain/verified-signatures';
import type { ChainVerification } from '@/lib/chain/verify';

/**
 * Verification anchored in signed checkpoints: what the chain walk (./verify) cannot see, because whoever can write
 * the database can also re-hash what they changed. Every checkpoint's signature is checked against the public key
 * (which lives outside the database), and each must be on the chain: its entry there, with its hash, and (for a
 * C2SP note) the Merkle root of the entries up to it. The retention anchor where the chain starts must be signed.
 */

export const CHECKPOINT_BREAK_REASONS = ['checkpoint_signature', 'checkpoint_beyond_head', 'checkpoint_mismatch', 'anchor_unsigned'] as const;
export type CheckpointBreakReason = (typeof CHECKPOINT_BREAK_REASONS)[number];

/** A signed note from outside the database: the checkpoints file, or one the verifier was handed. */
export type ExternalNote = { source: string; note: string };

export type TrustOptions = {
  /** The key checkpoints must be signed with (PEM); from outside the database. */
  publicKeyPem: string;
  notes?: ExternalNote[];
  /**
   * Recompute the Merkle root from the entry hashes at every checkpoint's size (a pass over the seq and hash
   * columns). Without it, notes from outside the database are compared with the stored tree instead.
   */
  foldRoots?: boolean;
};

export type CheckpointFinding = { at: number; reason: CheckpointBreakReason; detail: string };
export type TrustResult = { finding: CheckpointFinding | null; checked: number; newest: number | null };

/** A checkpoint from either source, as the checks need it. */
type Signed = { size: number; root: Buffer | null; hash: string | null; label: string };

const labelOf = (row: AuditCheckpointRow) => `checkpoint #${row.seq} signed ${row.signedAt.toISOString()}`;

function anchorFinding(anchor: AuditChainAnchorRow, all: Signed[]): CheckpointFinding {
  const vouched = all.filter((c) => c.size > 0 && c.size <= anchor.seq).sort((a, b) => b.size - a.size)[0];
  return {
    at: anchor.seq,
    reason: 'anchor_unsigned',
    detail:
      `the chain starts after #${anchor.seq} at an anchor no retention run signed: entries #1–#${anchor.seq} were removed outside retention` +
      (vouched ? `; contradicts ${vouched.label}` : ''),
  };
}

/** Roots of the tree over the stored entry hashes at each wanted size, folded from the signed anchor (or empty). */
async function foldedRoots(
  db: DbOrTx,
  orgId: string,
  anchor: AuditChainAnchorRow | undefined,
  headSeq: number,
  sizes: Set<number>,
): Promise<Map<number, Buffer>> {
  const roots = new Map<number, Buffer>();
  if (anchor && !anchor.merkleRange) return roots;
  const range = anchor ? CompactRange.parse(anchor.merkleRange!) : new CompactRange();
  while (range.size < headSeq) {
    const rows = await listEntryLinks(db, orgId, range.size, headSeq, 20_000);
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.seq !== range.size + 1) return roots; // a gap: the chain walk reports it
      range.append(leafHash(row.hash));
      if (sizes.has(range.size)) roots.set(range.size, range.root());
    }
  }
  return roots;
}

/** Checks the organization's chain against every checkpoint it can find. Read-only. Tenancy: `orgId` only. */
export async function checkCheckpoints(db: DbOrTx, orgId: string, opts: TrustOptions): Promise<TrustResult> {
  const publicKey = publicKeyOf(opts.publicKeyPem);
  const origin = checkpointOrigin(orgId);
  const findings: CheckpointFinding[] = [];
  const rows = await listAllCheckpoints(db, orgId);
  const head = await getChainHead(db, orgId);
  const headSeq = head?.seq ?? 0;
  const anchor = await getLatestChainAnchor(db, orgId);
  const startSeq = anchor?.seq ?? 0;

  const all: Signed[] = [];
  for (const row of rows) {
    // verifyCheckpoint reads only the row and the key: a row seen to verify before, unchanged, is not checked again.
    if (!rememberedTrue(JSON.stringify([opts.publicKeyPem, row]), () => verifyCheckpoint(row, opts.publicKeyPem))) {
      findings.push({ at: row.seq, reason: 'checkpoint_signature', detail: `${labelOf(row)} (in the database) does not verify against the public key` });
      continue;
    }
    all.push({ size: row.seq, root: row.rootHash ? Buffer.from(row.rootHash, 'base64') : null, hash: row.hash, label: labelOf(row) });
  }
  const external: Signed[] = [];
  for (const n of opts.notes ?? []) {
    if (n.note.split('\n', 1)[0] !== origin) continue; // another organization's
    const opened = openNote(n.note, origin, publicKey);
    const body = opened.ok ? parseCheckpointText(opened.text) : null;
    if (!body) {
      const size = Number(n.note.split('\n', 2)[1]);
      findings.push({
        at: Number.isSafeInteger(size) ? size : 0,
        reason: 'checkpoint_signature',
        detail: `the checkpoint in ${n.source} ${opened.ok ? 'is not a checkpoint' : `fails: ${opened.reason}`} (edited or forged)`,
      });
      continue;
    }
    external.push({ size: body.size, root: body.root, hash: null, label: `checkpoint #${body.size} in ${n.source}` });
  }
  all.push(...external);

  if (anchor && !verifyAnchor(anchor, opts.publicKeyPem)) findings.push(anchorFinding(anchor, all));

  for (const c of all) {
    if (c.size > headSeq) {
      findings.push({
        at: headSeq + 1,
        reason: 'checkpoint_beyond_head',
        detail: `the chain ends at #${headSeq}, but ${c.label} vouches for #${c.size}: entries were cut from the end`,
      });
    }
  }

  // Each checkpoint's entry, still there with the signed hash. Whether its content hashes to that is the chain walk's
  // to say (every caller runs one with these checks; re-hashing here cost a full row read per checkpoint, per run).
  const onChain = all.filter((c) => c.hash !== null && c.size > startSeq && c.size <= headSeq);
  const entries = new Map((await listEntryHashesAt(db, orgId, [...new Set(onChain.map((c) => c.size))])).map((e) => [e.seq, e]));
  for (const c of onChain) {
    const entry = entries.get(c.size);
    if (!entry) findings.push({ at: c.size, reason: 'checkpoint_mismatch', detail: `entry #${c.size} is missing, yet ${c.label} vouches for it` });
    else if (entry.hash !== c.hash) {
      findings.push({ at: c.size, reason: 'checkpoint_mismatch', detail: `entry #${c.size} does not match ${c.label}: the chain was rewritten up to there` });
    }
  }

  // Merkle roots: folded from the entry hashes, or (notes from outside only) read from the stored tree.
  const withRoot = all.filter((c) => c.root !== null && c.size > startSeq && c.size <= headSeq);
  const folded = opts.foldRoots ? await foldedRoots(db, orgId, anchor, headSeq, new Set(withRoot.map((c) => c.size))) : new Map<number, Buffer>();
  const built = opts.foldRoots ? undefined : await getMerkleState(db, orgId);
  // A note from outside with a verified twin in the database (same size) is checked through the twin's entry hash.
  const databaseRoots = new Map(all.filter((c) => c.hash !== null && c.root !== null).map((c) => [c.size, c.root!]));
  for (const c of withRoot) {
    let root = folded.get(c.size) ?? (c.hash === null ? databaseRoots.get(c.size) : undefined);
    if (!root && built && c.hash === null && c.size <= built.size) root = (await rangeAt(db, orgId, c.size)).root();
    if (root && !root.equals(c.root!)) {
      findings.push({ at: c.size, reason: 'checkpoint_mismatch', detail: `the entries up to #${c.size} do not hash to the Merkle root of ${c.label}` });
    }
  }

  findings.sort((a, b) => a.at - b.at);
  const sizes = all.map((c) => c.size);
  return { finding: findings[0] ?? null, checked: all.length, newest: sizes.length ? Math.max(...sizes) : null };
}

/** A chain walk's result with the checkpoint checks applied: a chain break first, else the earliest contradiction. */
export function withCheckpoints(result: ChainVerification, trust: TrustResult): ChainVerification {
  const checkpoints = { checked: trust.checked, newest: trust.newest };
  if (!result.ok || !trust.finding) return { ...result, checkpoints };
  const { verifiedThrough, count, orgId } = result;
  return { ok: false, orgId, ...trust.finding, eventId: null, verifiedThrough, count, checkpoints };
}
