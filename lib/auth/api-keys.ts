import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DbOrTx } from '@/db/client';
import { listActiveApiKeysByPrefix, touchApiKey } from '@/db/queries/api-keys';

const KEY_RE = /^(ak_[0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;

/** A new key: the full secret (shown once) and what is stored (prefix + SHA-256 of the whole key). */
export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = `ak_${randomBytes(5).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, secretHash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export type ApiKeyPrincipal = { orgId: string; keyId: string; name: string; prefix: string };

/**
 * Resolves `Authorization: Bearer <key>` to its organization, or null (malformed, unknown or revoked).
 * Compares hashes in constant time and stamps last_used_at.
 */
export async function authenticateApiKey(db: DbOrTx, authorization: string | null): Promise<ApiKeyPrincipal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  const parts = m ? KEY_RE.exec(m[1]!) : null;
  if (!parts) return null;
  const presented = Buffer.from(hashApiKey(parts[0]), 'hex');
  const candidates = await listActiveApiKeysByPrefix(db, parts[1]!);
  const match = candidates.find((c) => timingSafeEqual(Buffer.from(c.secretHash, 'hex'), presented));
  if (!match) return null;
  await touchApiKey(db, match.orgId, match.id, new Date());
  return { orgId: match.orgId, keyId: match.id, name: match.name, prefix: match.prefix };
}
