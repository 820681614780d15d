import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCheckpointFile } from '@/lib/chain/checkpoint-file';
import { checkpointText, openNote, parseCheckpointText, parseVerifierKey, signNote, verifierKey } from '@/lib/chain/signed-note';

// The example key and note of Go's golang.org/x/mod/sumdb/note (the reference implementation), and the C2SP
// signed-note spec's own example: independent vectors for key IDs, key encodings and signatures.
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_SEED = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'; // from its PRIVATE+KEY+PeterNeumann+c74f20a3+… signer key
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const goPrivateKey = () =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(GO_SEED, 'base64').subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });

describe('C2SP signed notes (Ed25519)', () => {
  it('opens the reference notes with their verifier keys, and refuses them altered or under another key', () => {
    const go = parseVerifierKey(GO_VKEY);
    expect(openNote(GO_NOTE, go.name, go.publicKey)).toEqual({ ok: true, text: GO_TEXT });
    const spec = parseVerifierKey(SPEC_VKEY);
    expect(openNote(SPEC_NOTE, spec.name, spec.publicKey)).toEqual({ ok: true, text: 'This is an example message.\n' });
    expect(openNote(GO_NOTE.replace('cryptography', 'cryptograph'), go.name, go.publicKey)).toMatchObject({
      ok: false,
      reason: 'the signature does not verify',
    });
    expect(openNote(GO_NOTE, spec.name, spec.publicKey)).toMatchObject({ ok: false, reason: 'no signature by example.com/foo' });
    expect(() => parseVerifierKey(GO_VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow();
  });

  it('signs byte for byte as the reference implementation, and names the key the same way', () => {
    const key = goPrivateKey();
    expect(signNote(GO_TEXT, 'PeterNeumann', key)).toBe(GO_NOTE);
    expect(verifierKey('PeterNeumann', createPublicKey(key))).toBe(GO_VKEY);
  });

  it('reads back a verifier key whose base64 holds a "+" (about half of all keys do)', () => {
    // Keys generated until one's encoding has a '+': the name cannot hold one, the key part can.
    let vkey = '';
    while (!vkey.split('+').slice(2).join('+').includes('+')) vkey = verifierKey('audit-log/x', generateKeyPairSync('ed25519').publicKey);
    const parsed = parseVerifierKey(vkey);
    expect(parsed.name).toBe('audit-log/x');
    expect(verifierKey(parsed.name, parsed.publicKey)).toBe(vkey);
  });

  it('writes and reads tlog-checkpoint bodies; a checkpoints file splits back into its notes', () => {
    const root = Buffer.alloc(32, 9);
    const text = checkpointText({ origin: 'audit-log/x', size: 42, root });
    expect(text).toBe(`audit-log/x\n42\n${root.toString('base64')}\n`);
    expect(parseCheckpointText(text)).toEqual({ origin: 'audit-log/x', size: 42, root });
    expect(parseCheckpointText('audit-log/x\n042\nAAAA\n')).toBeNull();
    const a = signNote(text, 'audit-log/x', goPrivateKey());
    const b = signNote(checkpointText({ origin: 'audit-log/x', size: 43, root }), 'audit-log/x', goPrivateKey());
    expect(parseCheckpointFile(`${a}\n${b}\n`)).toEqual([
      { line: 1, note: a },
      { line: 7, note: b },
    ]);
  });
});
