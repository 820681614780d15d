import { sign } from 'node:crypto';
import type { AuditChainAnchorRow } from '@/db/schema/audit-chain';
import { canonicalize } from '@/lib/chain/jcs';
import { keyFingerprint, type SigningKey } from '@/lib/chain/signing-key';
import { publicKeyOf, verifyEd25519 } from '@/lib/chain/verified-signatures';

type AnchorFields = { orgId: string; seq: number; hash: string; merkleRange: string | null; signedAt: Date };

/**
 * The exact bytes a retention anchor's signature covers: the JCS form of
 * { kind: "retention_anchor", org_id, seq, hash, merkle_range, signed_at (ISO, ms) }.
 */
export function anchorPayload(a: AnchorFields): Buffer {
  return Buffer.from(
    canonicalize({ kind: 'retention_anchor', org_id: a.orgId, seq: a.seq, hash: a.hash, merkle_range: a.merkleRange, signed_at: a.signedAt.toISOString() }),
    'utf8',
  );
}

/** Signs the anchor retention is about to leave: only the holder of the checkpoint key can shorten the chain. */
export function signAnchor(a: AnchorFields, key: SigningKey): { signature: string; keyFingerprint: string } {
  return { signature: sign(null, anchorPayload(a), key.privateKey).toString('base64'), keyFingerprint: key.fingerprint };
}

/** True when the anchor carries a signature by `publicKeyPem` over exactly its fields. */
export function verifyAnchor(a: AuditChainAnchorRow, publicKeyPem: string): boolean {
  if (!a.signature || !a.signedAt || !a.keyFingerprint) return false;
  const publicKey = publicKeyOf(publicKeyPem);
  if (keyFingerprint(publicKey) !== a.keyFingerprint) return false;
  return verifyEd25519(anchorPayload({ ...a, signedAt: a.signedAt }), publicKey, Buffer.from(a.signature, 'base64'));
}
