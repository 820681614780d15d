import { createPublicKey, sign, verify } from 'node:crypto';
import type { DbOrTx } from '@/db/client';
import { insertCheckpoint } from '@/db/queries/chain-checkpoints';
import { getChainHead } from '@/db/queries/chain-head';
import type { AuditCheckpointRow } from '@/db/schema/audit-chain';
import { uuidv7 } from '@/lib/ids';
import { GENESIS_HASH } from '@/lib/chain/entry-hash';
import { canonicalize } from '@/lib/chain/jcs';
import { getSigningKey, keyFingerprint, type SigningKey } from '@/lib/chain/signing-key';

/** The exact bytes a checkpoint signs: the JCS form of { org_id, seq, hash, signed_at (ISO, ms) }. */
export function checkpointPayload(cp: Pick<AuditCheckpointRow, 'orgId' | 'seq' | 'hash' | 'signedAt'>): Buffer {
  return Buffer.from(canonicalize({ org_id: cp.orgId, seq: cp.seq, hash: cp.hash, signed_at: cp.signedAt.toISOString() }), 'utf8');
}

/**
 * Signs the organization's current chain head with the Ed25519 key and stores the checkpoint. Reads the
 * head as committed (no lock): the checkpoint vouches for a prefix of the chain. Tenancy: `orgId` only.
 */
export async function createCheckpoint(db: DbOrTx, orgId: string, key: SigningKey = getSigningKey()): Promise<AuditCheckpointRow> {
  const head = await getChainHead(db, orgId);
  const signedAt = new Date();
  const unsigned = { orgId, seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH, signedAt };
  const row: AuditCheckpointRow = {
    ...unsigned,
    id: uuidv7(signedAt),
    signature: sign(null, checkpointPayload(unsigned), key.privateKey).toString('base64'),
    keyFingerprint: key.fingerprint,
  };
  await insertCheckpoint(db, row);
  return row;
}

/** True when `publicKeyPem` is the key named by the checkpoint and its signature covers exactly these fields. */
export function verifyCheckpoint(cp: AuditCheckpointRow, publicKeyPem: string): boolean {
  const publicKey = createPublicKey(publicKeyPem);
  if (keyFingerprint(publicKey) !== cp.keyFingerprint) return false;
  return verify(null, checkpointPayload(cp), publicKey, Buffer.from(cp.signature, 'base64'));
}
