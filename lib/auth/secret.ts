import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readOrCreateFile } from '@/lib/boot/data-dir-file';
import { getSettings } from '@/lib/settings';

const cached = new Map<string, string>();

/**
 * A random secret (32 bytes, base64url) generated once into DATA_DIR/<fileName> (mode 0600) and read back on
 * later starts, so the embedded default never ships a shared secret. Safe when processes race to create it.
 */
export function dataDirSecret(fileName: string): string {
  const file = path.join(getSettings().dataDir, fileName);
  const known = cached.get(file);
  if (known) return known;
  const secret = readOrCreateFile(file, () => randomBytes(32).toString('base64url')).trim();
  cached.set(file, secret);
  return secret;
}

/**
 * AUTH_SECRET when set; otherwise a random secret generated once into DATA_DIR/auth-secret, so the
 * embedded default never ships a shared secret and sessions survive restarts.
 */
export function getAuthSecret(): string {
  return getSettings().authSecret ?? dataDirSecret('auth-secret');
}
