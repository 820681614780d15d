import type { DbOrTx } from '@/db/client';
import { createHourPartition, createMonthPartition } from '@/db/queries/audit-event-partitions';

/**
 * Lean hourly partitions are created this many hours ahead of the current one (UTC): appends never wait for one, and
 * the partition job may stay down this long before appends fall into the (fully indexed, slower) default partition.
 */
export const HOURS_AHEAD = 24;

const HOUR_MS = 3_600_000;

/** The first instant of the UTC month `add` months after the one holding `d`. */
export function monthStart(d: Date, add = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Creates the lean hourly partitions for the UTC hour holding `now` and the `hours` after it, skipping hours another
 * partition covers (idempotent, safe when two processes race). Called at startup, by the partition job and by every
 * retention run. Returns the names it created.
 */
export async function ensureFuturePartitions(db: DbOrTx, now: Date = new Date(), hours = HOURS_AHEAD): Promise<string[]> {
  const created: string[] = [];
  const thisHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  for (let i = 0; i <= hours; i += 1) {
    const name = await createHourPartition(db, new Date(thisHour + i * HOUR_MS));
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
