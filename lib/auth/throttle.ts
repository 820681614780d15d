import type { DbOrTx } from '@/db/client';
import { countLoginFailure, deleteLoginThrottle, getLoginThrottle, listLoginLocks } from '@/db/queries/login-throttle';

/**
 * Failed sign-ins, counted in the database (every instance sees the same counts) per 15-minute window: 5 for one
 * email lock that email for 15 minutes; from one address, the first 20 cost nothing and each further attempt from it
 * waits twice as long as the one before (250 ms, 500 ms, ... at most 8 s) before its password is checked.
 */
export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  accountLimit: 5,
  addressFreeFailures: 20,
  addressFirstDelayMs: 250,
  addressMaxDelayMs: 8_000,
} as const;

export const accountKey = (email: string) => `email:${email.toLowerCase()}`;
export const ipKey = (ip: string) => `ip:${ip}`;

const windowStart = (now: Date) => new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);

/** The delay owed by the next attempt from an address that has `failures` failures in the current window. */
export function addressDelayFor(failures: number): number {
  if (failures < THROTTLE.addressFreeFailures) return 0;
  const doublings = Math.min(failures - THROTTLE.addressFreeFailures, 16);
  return Math.min(THROTTLE.addressMaxDelayMs, THROTTLE.addressFirstDelayMs * 2 ** doublings);
}

/** How long the next sign-in from `ip` waits before its password is checked (0 for a quiet address). */
export async function addressDelayMs(db: DbOrTx, ip: string | null, now = new Date()): Promise<number> {
  if (!ip) return 0;
  const row = await getLoginThrottle(db, ipKey(ip));
  if (!row || row.windowStartedAt < windowStart(now)) return 0;
  return addressDelayFor(row.failures);
}

/** The end of `email`'s lock while it is in force, else null. */
export async function accountLock(db: DbOrTx, email: string, now = new Date()): Promise<Date | null> {
  const [until] = await listLoginLocks(db, [accountKey(email)]);
  return until && until > now ? until : null;
}

/** Counts one failure for `email`; returns the lock end when this failure reached the limit. */
export async function registerAccountFailure(db: DbOrTx, email: string, now = new Date()): Promise<Date | null> {
  const limit = THROTTLE.accountLimit;
  const lockUntil = new Date(now.getTime() + THROTTLE.lockMinutes * 60_000);
  const row = await countLoginFailure(db, accountKey(email), { limit, now, windowStart: windowStart(now), lockUntil });
  return row && row.failures >= limit && row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

/** Counts one failure from `ip` (never a lock: the address is slowed down instead); returns its failures in this window. */
export async function registerAddressFailure(db: DbOrTx, ip: string, now = new Date()): Promise<number> {
  const row = await countLoginFailure(db, ipKey(ip), { limit: null, now, windowStart: windowStart(now), lockUntil: now });
  return row?.failures ?? 0;
}

/** Forgets `email`'s failures after a successful sign-in (the address keeps its count: one good account must not reset it). */
export async function clearAccountFailures(db: DbOrTx, email: string) {
  await deleteLoginThrottle(db, accountKey(email));
}
