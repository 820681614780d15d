import type { Tx } from '@/db/client';
import { listHashedEntries } from '@/db/queries/chain-entries';
import { getStoredVerification, saveVerification, lockChainVerification, tryLockChainVerification } from '@/db/queries/chain-verifications';
import { checkpointFilePath, notesFromFile } from '@/lib/chain/checkpoint-file';
import { computeEntryHash } from '@/lib/chain/entry-hash';
import { getSigningKey } from '@/lib/chain/signing-key';
import { checkCheckpoints, withCheckpoints } from '@/lib/chain/trust';
import { getSettings } from '@/lib/settings';
import { getChainStart, verifyChain, type ChainPoint, type ChainVerification, type VerifyOptions } from '@/lib/chain/verify';

/**
 * One verification as the API and the Integrity page report it: the chain result, where this run started
 * (`fromSeq`), whether it continued from the stored position (`incremental`), why a requested incremental run
 * checked everything instead (`fullBecause`), and `stale` when another run held the lock and the last stored
 * result is served instead.
 */
export type ChainCheck = ChainVerification & { fromSeq: number; incremental: boolean; fullBecause?: string; stale?: true; verifiedAt: string };

export type CheckOptions = Pick<VerifyOptions, 'batchSize' | 'hashWorkers'> & {
  /** Verify everything from the retention anchor (or genesis), ignoring the stored position. */
  full?: boolean;
  /** The key checkpoints must be signed with; default the app's own (AUDIT_SIGNING_KEY or DATA_DIR/signing-key.pem). */
  publicKeyPem?: string;
  now?: Date;
};

/** Where an incremental run may start: the stored position, if it still holds, else why not. */
async function storedStart(tx: Tx, orgId: string, stored: { seq: number; hash: string }, anchor: ChainPoint): Promise<ChainPoint | { fullBecause: string }> {
  // Retention removed entries past the stored position: the chain now starts at the anchor.
  if (stored.seq <= anchor.seq) return stored.seq === anchor.seq && stored.hash === anchor.hash ? anchor : { fullBecause: 'the chain start moved' };
  const [row] = await listHashedEntries(tx, orgId, stored.seq - 1, stored.seq, 1);
  // The entry the stored position vouches for was removed, rewritten or re-hashed since: nothing after it can be trusted.
  if (!row || row.seq !== stored.seq) return { fullBecause: `entry #${stored.seq}, where the last verification ended, is missing` };
  if (row.hash !== stored.hash || computeEntryHash(row) !== row.hash) {
    return { fullBecause: `entry #${stored.seq}, where the last verification ended, changed since` };
  }
  return { seq: row.seq, hash: row.hash, occurredAt: row.occurredAt.toISOString() };
}

/**
 * Verifies an organization's chain inside `tx`, at most one run per organization at a time: the run holds a
 * transaction-scoped advisory lock; a concurrent caller gets the last stored result marked `stale` (or, when there
 * is none yet, waits for the running one and continues from what it stored). By default only what was appended since the stored position is checked, linked to
 * the stored entry hash; the position and result are stored in `tx`. Tenancy: `orgId` only.
 */
export async function checkChain(tx: Tx, orgId: string, opts: CheckOptions = {}): Promise<ChainCheck | null> {
  if (!(await tryLockChainVerification(tx, orgId))) {
    const last = await getStoredVerification(tx, orgId);
    if (last) return { ...(last.result as ChainCheck), stale: true };
    // Nothing stored yet (the organization's first run is going): wait for it, then continue from what it stored.
    await lockChainVerification(tx, orgId);
  }
  const stored = opts.full ? undefined : await getStoredVerification(tx, orgId);
  const anchor = await getChainStart(tx, orgId);
  const start = stored ? await storedStart(tx, orgId, stored, anchor) : anchor;
  const from = 'fullBecause' in start ? anchor : start;
  const walked = await verifyChain(tx, orgId, { batchSize: opts.batchSize, hashWorkers: opts.hashWorkers, from });
  // Whatever the walk covered, every signed checkpoint (database and checkpoints file) must agree with the chain.
  const notes = notesFromFile(checkpointFilePath(getSettings().dataDir, orgId));
  const result = withCheckpoints(walked, await checkCheckpoints(tx, orgId, { publicKeyPem: opts.publicKeyPem ?? getSigningKey().publicKeyPem, notes }));
  const verifiedAt = opts.now ?? new Date();
  const check: ChainCheck = {
    ...result,
    fromSeq: from.seq,
    incremental: stored !== undefined && !('fullBecause' in start),
    ...('fullBecause' in start ? { fullBecause: start.fullBecause } : {}),
    verifiedAt: verifiedAt.toISOString(),
  };
  await saveVerification(tx, orgId, { seq: result.verifiedThrough.seq, hash: result.verifiedThrough.hash, ok: result.ok, result: check, verifiedAt });
  return check;
}
