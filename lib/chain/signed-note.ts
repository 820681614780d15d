import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { spkiDer, verifyEd25519 } from '@/lib/chain/verified-signatures';

/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures: a text ending in a newline, a blank line, then
 * signature lines "— <key name> base64(4-byte key ID || signature)". Key ID = SHA-256(name || 0x0A || 0x01 || key)[:4].
 */

const DASH = '\u2014';
const SIGNATURE_LINE = new RegExp(`^${DASH} (\\S+) (\\S+)$`);

/** The raw 32-byte Ed25519 public key (RFC 8032 encoding): the end of its SPKI DER. */
export function rawEd25519(publicKey: KeyObject): Buffer {
  const der = spkiDer(publicKey);
  return der.subarray(der.length - 32);
}

/** The note key ID of an Ed25519 key under `name`. */
export function noteKeyId(name: string, raw: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([1]), raw]))
    .digest()
    .subarray(0, 4);
}

/** The verifier key string "<name>+<hex key ID>+<base64(0x01 || key)>" that note tools (Go's note package) read. */
export function verifierKey(name: string, publicKey: KeyObject): string {
  const raw = rawEd25519(publicKey);
  return `${name}+${noteKeyId(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`;
}

/** Parses a verifier key string back into its name and Ed25519 public key; throws when it is not one. */
export function parseVerifierKey(vkey: string): { name: string; publicKey: KeyObject } {
  // A name holds no '+' (C2SP signed-note), but the base64 key may: split at the first two only.
  const [name, id, ...rest] = vkey.trim().split('+');
  const key = rest.join('+');
  const bytes = Buffer.from(key ?? '', 'base64');
  if (!name || !id || bytes.length !== 33 || bytes[0] !== 1) throw new Error('not an Ed25519 note verifier key');
  const raw = bytes.subarray(1);
  if (noteKeyId(name, raw).toString('hex') !== id) throw new Error('verifier key: the key ID does not match the key');
  // SPKI DER for Ed25519: a fixed 12-byte prefix and the raw key.
  const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
  return { name, publicKey };
}

/** Signs `text` (ending in a newline) as a note under `name`. */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  if (!text.endsWith('\n')) throw new Error('note text must end with a newline');
  const raw = rawEd25519(createPublicKey(privateKey));
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n${DASH} ${name} ${Buffer.concat([noteKeyId(name, raw), signature]).toString('base64')}\n`;
}

export type OpenedNote = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Verifies a note against one key: the text, or why not. A signature line of the same name and key ID must verify;
 * lines of other keys (witnesses, rotated keys) are ignored, as the spec says.
 */
export function openNote(note: string, name: string, publicKey: KeyObject): OpenedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { ok: false, reason: 'not a signed note' };
  const text = note.slice(0, split + 1);
  const id = noteKeyId(name, rawEd25519(publicKey));
  let known = 0;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = SIGNATURE_LINE.exec(line);
    if (!m) return { ok: false, reason: 'malformed signature line' };
    const bytes = Buffer.from(m[2]!, 'base64');
    if (m[1] !== name || bytes.length < 4 || !bytes.subarray(0, 4).equals(id)) continue;
    known += 1;
    if (!verifyEd25519(Buffer.from(text, 'utf8'), publicKey, bytes.subarray(4))) return { ok: false, reason: 'the signature does not verify' };
  }
  return known > 0 ? { ok: true, text } : { ok: false, reason: `no signature by ${name}` };
}

/** A C2SP tlog-checkpoint body: origin, tree size, base64 root hash. */
export type CheckpointBody = { origin: string; size: number; root: Buffer };

export function checkpointText(body: CheckpointBody): string {
  return `${body.origin}\n${body.size}\n${body.root.toString('base64')}\n`;
}

/** Parses a checkpoint body (extension lines are ignored); null when it is not one. */
export function parseCheckpointText(text: string): CheckpointBody | null {
  const lines = text.split('\n');
  const [origin, size, root] = lines;
  if (!origin || !size || !/^(0|[1-9]\d*)$/.test(size) || !root) return null;
  const hash = Buffer.from(root, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== root) return null;
  return { origin, size: Number(size), root: hash };
}
