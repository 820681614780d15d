import { argon2id, argon2Verify } from 'hash-wasm';
import { randomBytes } from 'node:crypto';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const PARAMS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 } as const;

/** Hashes a password with argon2id into a self-describing PHC string ($argon2id$v=19$m=...). */
export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error('Password must not be empty');
  return argon2id({ ...PARAMS, password, salt: randomBytes(16), outputType: 'encoded' });
}

/** Constant-work check of a password against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!hash.startsWith('$argon2id$')) return false;
  try {
    return await argon2Verify({ password, hash });
  } catch {
    return false;
  }
}

// Verifying against this when the email is unknown keeps response time from revealing which emails exist.
let dummyHash: Promise<string> | undefined;
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
  return dummyHash;
}
