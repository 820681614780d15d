import 'server-only';
import { z } from 'zod';
import { createCheckpoint } from '@/lib/chain/checkpoints';
import { describeVerification, verifyChain, type ChainVerification } from '@/lib/chain/verify';
import { defineOperation } from '@/lib/recording/operation';

/** "Verify now": recomputes the organization's chain; the run itself is recorded, with its outcome. */
export const verifyChainOperation = defineOperation({
  permission: 'integrity:verify',
  action: 'verify',
  objectType: 'audit_log',
  module: 'Audit',
  describe: 'verify the audit log',
  schema: z.object({}),
  async run(tx, _input, ctx): Promise<{ data: ChainVerification; audit: { objectLabel: string; message: string; metadata: Record<string, unknown> } }> {
    const result = await verifyChain(tx, ctx.org.orgId);
    const outcome = result.ok
      ? { ok: true, verified_through: result.verifiedThrough.seq, count: result.count }
      : { ok: false, at: result.at, event_id: result.eventId, reason: result.reason, count: result.count };
    return {
      data: result,
      audit: { objectLabel: 'Audit log', message: `Verified the audit log: ${describeVerification(result)}`, metadata: { verification: outcome } },
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
