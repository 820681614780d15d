import type { Db } from '@/db/client';
import { requestContextFrom } from '@/lib/recording/request-context';
import { authenticateApiKey } from '@/lib/auth/api-keys';
import { apiJson, internalError, unauthorized } from '@/lib/api/http';
import { listCheckpoints } from '@/db/queries/chain-checkpoints';
import { getSigningKey } from '@/lib/chain/signing-key';
import { verifyChain } from '@/lib/chain/verify';

/** GET /api/v1/integrity: verifies the API key's organization's chain now and returns the result. Tenancy: the key's org. */
export async function handleIntegrityGet(db: Db, req: Request): Promise<Response> {
  const id = requestContextFrom(req.headers).requestId;
  try {
    const key = await authenticateApiKey(db, req.headers.get('authorization'));
    if (!key) return unauthorized(id);
    return apiJson(200, { data: await verifyChain(db, key.orgId), request_id: id }, id);
  } catch (error) {
    return internalError(id, error);
  }
}

/**
 * GET /api/v1/integrity/checkpoints: the key's organization's signed chain heads (newest first) and the
 * public key to check them with, for anchoring outside the database. Tenancy: the key's org.
 */
export async function handleCheckpointsGet(db: Db, req: Request): Promise<Response> {
  const id = requestContextFrom(req.headers).requestId;
  try {
    const key = await authenticateApiKey(db, req.headers.get('authorization'));
    if (!key) return unauthorized(id);
    const signing = getSigningKey();
    const data = (await listCheckpoints(db, key.orgId)).map((c) => ({
      id: c.id,
      org_id: c.orgId,
      seq: c.seq,
      hash: c.hash,
      signed_at: c.signedAt.toISOString(),
      signature: c.signature,
      key_fingerprint: c.keyFingerprint,
    }));
    const publicKey = { algorithm: 'Ed25519', pem: signing.publicKeyPem, fingerprint: signing.fingerprint };
    const signed = 'Ed25519 over the RFC 8785 (JCS) form of {"hash","org_id","seq","signed_at"}';
    return apiJson(200, { data, public_key: publicKey, signed_payload: signed, request_id: id }, id);
  } catch (error) {
    return internalError(id, error);
  }
}
