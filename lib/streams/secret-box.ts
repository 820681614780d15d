import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { dataDirSecret } from '@/lib/auth/secret';
import { getSettings } from '@/lib/settings';

/** Sealed values start with this version tag, so the key or algorithm can change later. */
const VERSION = 'v1';

/** The 32-byte key: STREAM_SECRET_KEY (64 hex characters or base64 of 32 bytes), else DATA_DIR/stream-key. */
export function streamSecretKey(configured: string | undefined = getSettings().streamSecretKey): Buffer {
  if (configured) {
    const key = /^[0-9a-f]{64}$/i.test(configured) ? Buffer.from(configured, 'hex') : Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new Error('STREAM_SECRET_KEY must be 32 bytes: 64 hex characters or base64 of 32 bytes');
    return key;
  }
  // The generated file holds 32 random bytes in base64url; hashing it keeps the key exactly 32 bytes.
  return createHash('sha256').update(dataDirSecret('stream-key')).digest();
}

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url), the destination id bound as additional data. */
export function sealSecret(plain: string, boundTo: string, key: Buffer = streamSecretKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The plain text of sealSecret's output; throws when the key is wrong or the value was altered or moved. */
export function openSecret(sealed: string, boundTo: string, key: Buffer = streamSecretKey()): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(boundTo, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
