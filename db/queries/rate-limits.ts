import { lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { rateLimits } from '@/db/schema/rate-limits';

/**
 * Counts one hit for `key` in its fixed window of `windowMs` (a window older than that starts over) and returns
 * the count so far. One statement, so concurrent instances never lose a hit. Not tenant data: keys name users,
 * API keys or addresses.
 */
export async function countRateHit(db: DbOrTx, key: string, windowMs: number, now: Date): Promise<{ hits: number; windowStartedAt: Date }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const expired = sql`${rateLimits.windowStartedAt} <= ${at} - ${`${windowMs} milliseconds`}::interval`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStartedAt: now, hits: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        hits: sql`case when ${expired} then 1 else ${rateLimits.hits} + 1 end`,
        windowStartedAt: sql`case when ${expired} then ${at} else ${rateLimits.windowStartedAt} end`,
      },
    })
    .returning({ hits: rateLimits.hits, windowStartedAt: rateLimits.windowStartedAt });
  return row!;
}

/** Forgets windows that ended before `before` (run by the daily lifecycle job). */
export async function deleteRateWindowsBefore(db: DbOrTx, before: Date): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStartedAt, before));
}
