import { sign } from 'node:crypto';
import type { DbOrTx, Tx } from '@/db/client';
import { insertCheckpoint } from '@/db/queries/chain-checkpoints';
import { lockMerkleTree, tryLockMerkleTree } from '@/db/queries/chain-merkle';
import { getChainHead } from '@/db/queries/chain-head';
import type { AuditCheckpointRow } from '@/db/schema/audit-chain';
import { uuidv7 } from '@/lib/ids';
import { GENESIS_HASH } from '@/lib/chain/entry-hash';
import { publicKeyOf, verifyEd25519 } from '@/lib/chain/verified-signatures';
import { canonicalize } from '@/lib/chain/jcs';
import { advanceTree } from '@/lib/chain/merkle-store';
import { checkpointText, openNote, parseCheckpointText, signNote } from '@/lib/chain/signed-note';
import { getSigningKey, keyFingerprint, type SigningKey } from '@/lib/chain/signing-key';

/** The exact bytes a checkpoint signs: the JCS form of { org_id, seq, hash, signed_at (ISO, ms) }. */
export function checkpointPayload(cp: Pick<AuditCheckpointRow, 'orgId' | 'seq' | 'hash' | 'signedAt'>): Buffer {
  return Buffer.from(canonicalize({ org_id: cp.orgId, seq: cp.seq, hash: cp.hash, signed_at: cp.signedAt.toISOString() }), 'utf8');
}

/** The origin line (and note key name) of an organization's checkpoints: one log per organization. */
export function checkpointOrigin(orgId: string): string {
  return `audit-log/${orgId}`;
}

/**
 * Signs the organization's current chain head with the Ed25519 key and stores the checkpoint: the JCS signature over
 * the chain head, and a C2SP tlog-checkpoint note over the RFC 6962 root of entries 1..seq (the Merkle tree is first
 * brought up to the head, ./merkle-store). Lock: the caller holds the organization's tree lock. Reads the head as
 * committed: the checkpoint vouches for a prefix of the chain. Throws TreeBroken when the chain has a gap or a
 * broken link. Tenancy: `orgId` only.
 */
async function signHead(tx: Tx, orgId: string, key: SigningKey): Promise<AuditCheckpointRow> {
  const head = await getChainHead(tx, orgId);
  const seq = head?.seq ?? 0;
  const range = await advanceTree(tx, orgId, seq);
  const signedAt = new Date();
  const unsigned = { orgId, seq, hash: head?.hash ?? GENESIS_HASH, signedAt };
  const origin = checkpointOrigin(orgId);
  const root = range?.root();
  const row: AuditCheckpointRow = {
    ...unsigned,
    id: uuidv7(signedAt),
    signature: sign(null, checkpointPayload(unsigned), key.privateKey).toString('base64'),
    keyFingerprint: key.fingerprint,
    rootHash: root ? root.toString('base64') : null,
    note: root ? signNote(checkpointText({ origin, size: seq, root }), origin, key.privateKey) : null,
    merkleRange: range ? range.serialize() : null,
  };
  await insertCheckpoint(tx, row);
  return row;
}

/** Signs a checkpoint of the organization's head (see signHead), waiting for the tree lock every instance shares. */
export async function createCheckpoint(db: DbOrTx, orgId: string, key: SigningKey = getSigningKey()): Promise<AuditCheckpointRow> {
  return db.transaction(async (tx) => {
    await lockMerkleTree(tx, orgId);
    return signHead(tx, orgId, key);
  });
}

/** As createCheckpoint, but null at once when another run (any instance) holds the organization's tree lock. */
export async function tryCreateCheckpoint(db: DbOrTx, orgId: string, key: SigningKey = getSigningKey()): Promise<AuditCheckpointRow | null> {
  return db.transaction(async (tx) => ((await tryLockMerkleTree(tx, orgId)) ? signHead(tx, orgId, key) : null));
}

/**
 * True when `publicKeyPem` is the key named by the checkpoint, its signature covers exactly these fields and its
 * note (when it has one) is signed by the same key for the same organization, size and root.
 */
export function verifyCheckpoint(cp: AuditCheckpointRow, publicKeyPem: string): boolean {
  const publicKey = publicKeyOf(publicKeyPem);
  if (keyFingerprint(publicKey) !== cp.keyFingerprint) return false;
  if (!verifyEd25519(checkpointPayload(cp), publicKey, Buffer.from(cp.signature, 'base64'))) return false;
  if (cp.note === null || cp.note === undefined) return cp.rootHash === null || cp.rootHash === undefined;
  const opened = openNote(cp.note, checkpointOrigin(cp.orgId), publicKey);
  const body = opened.ok ? parseCheckpointText(opened.text) : null;
  return body !== null && body.origin === checkpointOrigin(cp.orgId) && body.size === cp.seq && body.root.toString('base64') === cp.rootHash;
}
