import * as crypto from 'node:crypto';

/** SHA-256 (lower-case hex) of a string's UTF-8 bytes: the one-shot crypto.hash where Node has it (20.12+). */
export const sha256: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s) : (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
