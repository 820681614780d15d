import type { DbOrTx } from '@/db/client';
import { createMonthPartition, listPartitionNames } from '@/db/queries/audit-event-partitions';

/** One monthly partition of audit_events: rows with from <= occurred_at < to (UTC months). */
export type MonthPartition = { name: string; from: Date; to: Date };

// Named by drizzle/0008's audit_events_create_month_partition(); the default partition does not match.
const MONTH_PARTITION = /^audit_events_p(\d{4})(\d{2})$/;

/** The first instant of the UTC month `add` months after the one holding `d`. */
export function monthStart(d: Date, add = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));
}

/**
 * Creates the partitions for the month holding `now` and the `months` after it (idempotent, safe when two
 * processes race). Called at startup and by every retention run. Returns the names it created.
 */
export async function ensureFuturePartitions(db: DbOrTx, now: Date = new Date(), months = 3): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i <= months; i += 1) {
    const day = monthStart(now, i).toISOString().slice(0, 10);
    const name = await createMonthPartition(db, day);
    if (name) created.push(name);
  }
  return created;
}

/** The monthly partitions, oldest first (the default partition is left out). */
export async function listMonthPartitions(db: DbOrTx): Promise<MonthPartition[]> {
  return (await listPartitionNames(db)).flatMap((name) => {
    const m = MONTH_PARTITION.exec(name);
    if (!m) return [];
    const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return [{ name, from, to: monthStart(from, 1) }];
  });
}
