import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { loginThrottle } from '@/db/schema';

export type LoginThrottleRow = typeof loginThrottle.$inferSelect;

/** The lock ends recorded under these keys (null: none). Not tenant data: keyed by account or client address. */
export async function listLoginLocks(db: DbOrTx, keys: string[]): Promise<(Date | null)[]> {
  const rows = await db.select({ lockedUntil: loginThrottle.lockedUntil }).from(loginThrottle).where(inArray(loginThrottle.key, keys));
  return rows.map((r) => r.lockedUntil);
}

/** The failure counter under `key`, if any. Not tenant data: keyed by account or client address. */
export async function getLoginThrottle(db: DbOrTx, key: string): Promise<LoginThrottleRow | null> {
  const [row] = await db
    .select()
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, [key]));
  return row ?? null;
}

/**
 * Counts one failure for `key` in one upsert (safe under concurrent attempts, and shared by every app instance): a
 * window that began before `windowStart` starts over at 1; reaching `limit` (when given) sets the lock to `lockUntil`.
 * Returns the row as written. Not tenant data: keyed by account or client address.
 */
export async function countLoginFailure(db: DbOrTx, key: string, opts: { limit: number | null; now: Date; windowStart: Date; lockUntil: Date }) {
  const { limit, now, windowStart, lockUntil } = opts;
  const fresh = sql`${loginThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz`;
  const count = sql`case when ${fresh} then 1 else ${loginThrottle.failures} + 1 end`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: limit !== null && limit <= 1 ? lockUntil : null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: count,
        windowStartedAt: sql`case when ${fresh} then ${now.toISOString()}::timestamptz else ${loginThrottle.windowStartedAt} end`,
        ...(limit === null
          ? {}
          : { lockedUntil: sql`case when (${count}) >= ${limit} then ${lockUntil.toISOString()}::timestamptz else ${loginThrottle.lockedUntil} end` }),
      },
    })
    .returning();
  return row ?? null;
}

/** Forgets the failures counted under `key`. Not tenant data: keyed by account or client address. */
export async function deleteLoginThrottle(db: DbOrTx, key: string): Promise<void> {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [key]));
}
