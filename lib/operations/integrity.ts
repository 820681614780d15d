import 'server-only';
import { z } from 'zod';
import { createCheckpoint } from '@/lib/chain/checkpoints';
import { checkChain, type ChainCheck } from '@/lib/chain/check-chain';
import { describeVerification } from '@/lib/chain/verify';
import { DomainError } from '@/lib/errors';
import { defineOperation } from '@/lib/recording/operation';

export const VERIFY_MODES = ['incremental', 'full'] as const;

/**
 * "Verify now" (what was appended since the last verification) and "Verify everything" (from the retention
 * anchor): one run per organization at a time (lib/chain/check-chain.ts), inside the operation's transaction;
 * the run itself is recorded, with its outcome.
 */
export const verifyChainOperation = defineOperation({
  permission: 'integrity:verify',
  action: 'verify',
  objectType: 'audit_log',
  module: 'Audit',
  describe: 'verify the audit log',
  schema: z.object({ mode: z.enum(VERIFY_MODES).default('incremental') }),
  async run(tx, input, ctx): Promise<{ data: ChainCheck; audit: { objectLabel: string; message: string; metadata: Record<string, unknown> } }> {
    const result = await checkChain(tx, ctx.org.orgId, { full: input.mode === 'full' });
    if (!result) throw new DomainError('A verification of this organization is already running; try again in a moment.');
    const base = { mode: input.mode, from_seq: result.fromSeq, incremental: result.incremental, stale: result.stale === true, count: result.count };
    const outcome = result.ok
      ? { ok: true, verified_through: result.verifiedThrough.seq, ...base }
      : { ok: false, at: result.at, event_id: result.eventId, reason: result.reason, ...base };
    const what = result.stale ? 'another verification was running; its last result' : input.mode === 'full' ? 'everything' : `from #${result.fromSeq}`;
    return {
      data: result,
      audit: { objectLabel: 'Audit log', message: `Verified the audit log (${what}): ${describeVerification(result)}`, metadata: { verification: outcome } },
    };
  },
});

/** Signs a checkpoint of the chain head on demand; recorded like any change. */
export const createCheckpointOperation = defineOperation({
  permission: 'integrity:verify',
  action: 'create',
  objectType: 'audit_checkpoint',
  module: 'Audit',
  describe: 'sign a checkpoint of the audit log',
  schema: z.object({}),
  async run(tx, _input, ctx) {
    const cp = await createCheckpoint(tx, ctx.org.orgId);
    const data = { seq: cp.seq, hash: cp.hash, signedAt: cp.signedAt.toISOString(), keyFingerprint: cp.keyFingerprint };
    return {
      data,
      audit: { objectId: cp.id, objectLabel: `Checkpoint #${cp.seq}`, message: `Signed a checkpoint of the audit log at #${cp.seq}`, after: data },
    };
  },
});
