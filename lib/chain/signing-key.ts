import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { readOrCreateFile } from '@/lib/boot/data-dir-file';
import { spkiDer } from '@/lib/chain/verified-signatures';
import { getSettings } from '@/lib/settings';

export type SigningKey = { privateKey: KeyObject; publicKeyPem: string; fingerprint: string };

let cached: SigningKey | undefined;

/** SHA-256 (hex) of the public key's SPKI DER: names the key a checkpoint was signed with. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(spkiDer(publicKey)).digest('hex');
}

function readOrCreatePem(file: string): string {
  return readOrCreateFile(file, () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** Builds a signing key from an Ed25519 PKCS#8 PEM; throws for any other kind of key. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`AUDIT_SIGNING_KEY must be an Ed25519 private key (got ${privateKey.asymmetricKeyType})`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: keyFingerprint(publicKey) };
}

/**
 * The checkpoint signing key: AUDIT_SIGNING_KEY (Ed25519, PKCS#8 PEM) when set, otherwise one generated
 * once into DATA_DIR/signing-key.pem, so the embedded default never ships a shared key.
 */
export function getSigningKey(): SigningKey {
  if (cached) return cached;
  const settings = getSettings();
  const pem = settings.signingKeyPem ?? readOrCreatePem(path.join(settings.dataDir, 'signing-key.pem'));
  cached = signingKeyFromPem(pem);
  return cached;
}
