import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { loginThrottle } from '@/db/schema';

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
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  const until = rows.map((r) => r.lockedUntil).filter((d): d is Date => d !== null && d > now);
  return until.length ? new Date(Math.max(...until.map((d) => d.getTime()))) : null;
}

/** Counts one failure for `key`; returns the lock end when this failure reached the limit. */
export async function registerFailure(db: DbOrTx, key: string, limit: number, now = new Date()): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
  const lockUntil = new Date(now.getTime() + THROTTLE.lockMinutes * 60_000);
  const fresh = sql`${loginThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: limit <= 1 ? lockUntil : null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${fresh} then 1 else ${loginThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${fresh} then ${now.toISOString()}::timestamptz else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when (case when ${fresh} then 1 else ${loginThrottle.failures} + 1 end) >= ${limit} then ${lockUntil.toISOString()}::timestamptz else ${loginThrottle.lockedUntil} end`,
      },
    })
    .returning();
  return row && row.failures >= limit && row.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
}

export async function clearFailures(db: DbOrTx, key: string) {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [key]));
}
