import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { getSettings } from '@/lib/settings';

let cached: string | undefined;

/**
 * AUTH_SECRET when set; otherwise a random secret generated once into DATA_DIR/auth-secret, so the
 * embedded default never ships a shared secret and sessions survive restarts.
 */
export function getAuthSecret(): string {
  const settings = getSettings();
  if (settings.authSecret) return settings.authSecret;
  if (cached) return cached;
  const file = path.join(settings.dataDir, 'auth-secret');
  try {
    cached = fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      cached = secret;
    } catch {
      // Another process won the race: use what it wrote.
      cached = fs.readFileSync(file, 'utf8').trim();
    }
  }
  return cached!;
}
