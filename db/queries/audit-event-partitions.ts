import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';

// Partitions hold every organization's rows: these are system-job queries, never called for one tenant's request.

/**
 * Creates the monthly audit_events partition holding `day` (YYYY-MM-DD) through drizzle/0008's function;
 * returns its name, or null when it already existed. Idempotent, safe when two processes race.
 */
export async function createMonthPartition(db: DbOrTx, day: string): Promise<string | null> {
  const [row] = rowsOf<{ name: string | null }>(await db.execute(sql`select audit_events_create_month_partition(${day}::date) as name`));
  return row?.name ?? null;
}

/** The names of every partition attached to audit_events (the default one included), in name order. */
export async function listPartitionNames(db: DbOrTx): Promise<string[]> {
  const result = await db.execute(sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'audit_events'::regclass order by 1`);
  return rowsOf<{ name: string }>(result).map((r) => r.name);
}

/** Per organization: how many rows a partition holds and the highest seq among them. */
export async function partitionContents(db: DbOrTx, partition: string): Promise<{ orgId: string; rows: number; maxSeq: number }[]> {
  const result = await db.execute(sql`select org_id, count(*) as n, max(seq) as max_seq from ${sql.identifier(partition)} group by org_id`);
  return rowsOf<{ org_id: string; n: string | number; max_seq: string | number }>(result).map((r) => ({
    orgId: r.org_id,
    rows: Number(r.n),
    maxSeq: Number(r.max_seq),
  }));
}

/**
 * Drops a monthly partition and its rows through drizzle/0012's SECURITY DEFINER function, which refuses unless
 * every row in it lies at or before its organization's retention anchor. Transaction: the caller holds every chain
 * head it affects and has moved those anchors.
 */
export async function dropPartition(tx: Tx, partition: string): Promise<void> {
  await tx.execute(sql`select audit_drop_partition(${partition})`);
}

/** Makes the caller's transaction give up on a lock after `seconds` rather than wait behind a long reader. */
export async function limitLockWait(tx: Tx, seconds: number): Promise<void> {
  await tx.execute(sql.raw(`set local lock_timeout = '${Math.trunc(seconds)}s'`));
}
