import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/*
 * Ed25519 verification, remembered: every verification run checks every checkpoint's signatures again (the
 * database's and the checkpoints file's: two or three per checkpoint, ~8,760 checkpoints a year), which costs more
 * than the day's new entries. Whether a signature verifies depends only on the key, the message and the signature,
 * so this process remembers the triples it has seen verify (a digest of them, never a verdict read from the
 * database or a file) and answers those from memory. A changed byte anywhere is a different triple, verified anew.
 */

const MAX_REMEMBERED = 100_000;
const verified = new Set<string>();
const keys = new Map<string, { key: KeyObject; der: Buffer }>();
const ders = new WeakMap<KeyObject, Buffer>();

/** The key's SPKI DER, exported once per KeyObject (an export costs tens of microseconds, and every checkpoint asked twice). */
export function spkiDer(publicKey: KeyObject): Buffer {
  let der = ders.get(publicKey);
  if (!der) ders.set(publicKey, (der = publicKey.export({ format: 'der', type: 'spki' })));
  return der;
}

function keyOf(publicKey: KeyObject | string): { key: KeyObject; der: Buffer } {
  if (typeof publicKey !== 'string') return { key: publicKey, der: spkiDer(publicKey) };
  let known = keys.get(publicKey);
  if (!known) {
    const key = createPublicKey(publicKey);
    known = { key, der: spkiDer(key) };
    if (keys.size > 16) keys.clear();
    keys.set(publicKey, known);
  }
  return known;
}

/** The public key of a PEM, parsed once per process. */
export function publicKeyOf(pem: string): KeyObject {
  return keyOf(pem).key;
}

/** crypto.verify for Ed25519 (`publicKey` as a KeyObject or PEM), answered from memory for a triple seen to verify before. */
export function verifyEd25519(message: Buffer, publicKey: KeyObject | string, signature: Buffer): boolean {
  const { key, der } = keyOf(publicKey);
  const digest = createHash('sha256').update(der).update(createHash('sha256').update(message).digest()).update(signature).digest('base64');
  if (verified.has(digest)) return true;
  if (!verify(null, message, key, signature)) return false;
  if (verified.size >= MAX_REMEMBERED) verified.clear();
  verified.add(digest);
  return true;
}

const checked = new Set<string>();

/**
 * `check()` for a pure check of `input` (everything it reads, serialized), remembered when true: the same input is
 * answered from memory. For a whole checkpoint row: its signatures and the payload they cover, without rebuilding
 * the canonical payload of every checkpoint on every run.
 */
export function rememberedTrue(input: string, check: () => boolean): boolean {
  const digest = createHash('sha256').update(input).digest('base64');
  if (checked.has(digest)) return true;
  if (!check()) return false;
  if (checked.size >= MAX_REMEMBERED) checked.clear();
  checked.add(digest);
  return true;
}
