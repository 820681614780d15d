import type { DbOrTx } from '@/db/client';
import { countLoginFailure, deleteLoginThrottle, listLoginLocks } from '@/db/queries/login-throttle';

/** Failed sign-ins allowed per window before a lock: per account, and (higher) per client address. */
export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  accountLimit: 5,
  ipLimit: 20,
} as const;

export const accountKey = (email: string) => `email:${email.toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/** The latest lock among `keys` that is still in force, if any. */
export async function activeLock(db: DbOrTx, keys: string[], now = new Date()): Promise<Date | null> {
  if (keys.length === 0) return null;
  const until = (await listLoginLocks(db, keys)).filter((d): d is Date => d !== null && d > now);
  return until.length ? new Date(Math.max(...until.map((d) => d.getTime()))) : null;
}

/** Counts one failure for `key`; returns the lock end when this failure reached the limit. */
export async function registerFailure(db: DbOrTx, key: string, limit: number, now = new Date()): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
  const lockUntil = new Date(now.getTime() + THROTTLE.lockMinutes * 60_000);
  const row = await countLoginFailure(db, key, { limit, now, windowStart, lockUntil });
  return row && row.failures >= limit && row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/** Forgets `key`'s failures after a successful sign-in. */
export async function clearFailures(db: DbOrTx, key: string) {
  await deleteLoginThrottle(db, key);
}
