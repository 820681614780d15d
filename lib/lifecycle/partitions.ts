import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { rowsOf } from '@/db/rows';

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
    const [row] = rowsOf<{ name: string | null }>(await db.execute(sql`select audit_events_create_month_partition(${day}::date) as name`));
    if (row?.name) created.push(row.name);
  }
  return created;
}

/** The monthly partitions, oldest first (the default partition is left out). */
export async function listMonthPartitions(db: DbOrTx): Promise<MonthPartition[]> {
  const result = await db.execute(sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'audit_events'::regclass order by 1`);
  return rowsOf<{ name: string }>(result).flatMap(({ name }) => {
    const m = MONTH_PARTITION.exec(name);
    if (!m) return [];
    const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return [{ name, from, to: monthStart(from, 1) }];
  });
}

/** Per organization: how many rows a partition holds and the highest seq among them. */
export async function partitionContents(db: DbOrTx, partition: string): Promise<{ orgId: string; rows: number; maxSeq: number }[]> {
  const result = await db.execute(sql`select org_id, count(*) as n, max(seq) as max_seq from ${sql.identifier(partition)} group by org_id`);
  return rowsOf<{ org_id: string; n: string | number; max_seq: string | number }>(result).map((r) => ({ orgId: r.org_id, rows: Number(r.n), maxSeq: Number(r.max_seq) }));
}
