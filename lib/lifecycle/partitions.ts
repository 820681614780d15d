import type { DbOrTx } from '@/db/client';
import { createDayPartition, createMonthPartition } from '@/db/queries/audit-event-partitions';
import { DAY_MS } from '@/lib/lifecycle/retention-policy';

/** Lean daily partitions are created this many days ahead of today (UTC), so appends never wait for one. */
export const DAYS_AHEAD = 7;

/** The first instant of the UTC month `add` months after the one holding `d`. */
export function monthStart(d: Date, add = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Creates the lean daily partitions for the UTC day holding `now` and the `days` after it, skipping days another
 * partition covers (idempotent, safe when two processes race). Called at startup, by the hourly partition job and
 * by every retention run. Returns the names it created.
 */
export async function ensureFuturePartitions(db: DbOrTx, now: Date = new Date(), days = DAYS_AHEAD): Promise<string[]> {
  const created: string[] = [];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let i = 0; i <= days; i += 1) {
    const name = await createDayPartition(db, isoDay(new Date(today + i * DAY_MS)));
    if (name) created.push(name);
  }
  return created;
}

/**
 * Creates fully indexed monthly partitions for the month holding `from` and the `months` after it (history and
 * backfills: rows of a closed past land indexed). Skips months already covered, even in part. Returns the names.
 */
export async function ensureMonthPartitions(db: DbOrTx, from: Date, months: number): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i <= months; i += 1) {
    const name = await createMonthPartition(db, isoDay(monthStart(from, i)));
    if (name) created.push(name);
  }
  return created;
}
