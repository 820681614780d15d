import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyEd25519 } from '@/lib/chain/verified-signatures';

describe('remembered Ed25519 verification', () => {
  it('answers a triple it saw verify from memory, and anything changed (message, signature, key) anew', () => {
    const a = generateKeyPairSync('ed25519');
    const b = generateKeyPairSync('ed25519');
    const pem = a.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const message = Buffer.from('audit-log/x\n42\nroot\n');
    const signature = sign(null, message, a.privateKey);
    expect(verifyEd25519(message, pem, signature)).toBe(true);
    // Remembered now: the same triple, with the key as a PEM or a KeyObject.
    expect(verifyEd25519(message, pem, signature)).toBe(true);
    expect(verifyEd25519(message, a.publicKey, signature)).toBe(true);
    expect(verifyEd25519(Buffer.from('audit-log/x\n43\nroot\n'), pem, signature)).toBe(false);
    const flipped = Buffer.from(signature);
    flipped[10] = flipped[10]! ^ 1;
    expect(verifyEd25519(message, pem, flipped)).toBe(false);
    expect(verifyEd25519(message, b.publicKey, signature)).toBe(false);
  });
});
