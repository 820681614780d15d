import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { bulkPostgresJsClient } from '@/db/queries/postgres-js';

// Partitions hold every organization's rows: these are system-job queries, never called for one tenant's request.

/** One bounded partition of audit_events: rows with from <= occurred_at < to (a UTC month, day or hour, or part of one). */
export type Partition = { name: string; from: Date; to: Date };

/** One advisory lock for closing partitions, whichever instance closes them. */
const CLOSE_LOCK_NAME = 'audit_events_close_partitions';

/**
 * Creates the monthly audit_events partition holding `day` (YYYY-MM-DD), with the full index set, through
 * drizzle/0016's function; null when it exists, daily partitions cover part of the month, or the default partition
 * holds rows of it. Idempotent, safe when two processes race.
 */
export async function createMonthPartition(db: DbOrTx, day: string): Promise<string | null> {
  const [row] = rowsOf<{ name: string | null }>(await db.execute(sql`select audit_events_create_month_partition(${day}::date) as name`));
  return row?.name ?? null;
}

/** Creates the lean hourly partition of the UTC hour holding `hour` unless covered already (drizzle/0019); its name or null. */
export async function createHourPartition(db: DbOrTx, hour: Date): Promise<string | null> {
  const [row] = rowsOf<{ name: string | null }>(await db.execute(sql`select audit_events_create_hour_partition(${hour.toISOString()}::timestamptz) as name`));
  return row?.name ?? null;
}

/** Every bounded partition of audit_events, bounds read from the catalog, oldest first (the default one left out). */
export async function listPartitions(db: DbOrTx): Promise<Partition[]> {
  const result = await db.execute(sql`select name, lo, hi from audit_events_partitions() where not is_default order by lo`);
  return rowsOf<{ name: string; lo: string | Date; hi: string | Date }>(result).map((r) => ({ name: r.name, from: new Date(r.lo), to: new Date(r.hi) }));
}

/**
 * Per organization: how many rows a partition holds and the highest seq among them. Read through the parent with
 * the partition's bounds (it prunes to that partition), so the caller needs no privilege on the partition itself.
 */
export async function partitionContents(db: DbOrTx, partition: Partition): Promise<{ orgId: string; rows: number; maxSeq: number }[]> {
  const result = await db.execute(sql`select org_id, count(*) as n, max(seq) as max_seq from audit_events
    where occurred_at >= ${partition.from.toISOString()}::timestamptz and occurred_at < ${partition.to.toISOString()}::timestamptz group by org_id`);
  return rowsOf<{ org_id: string; n: string | number; max_seq: string | number }>(result).map((r) => ({
    orgId: r.org_id,
    rows: Number(r.n),
    maxSeq: Number(r.max_seq),
  }));
}

/** The partitions to close (drizzle/0016's audit_events_partitions_to_close): names, oldest first. */
export async function listPartitionsToClose(db: DbOrTx, endedBefore: Date): Promise<string[]> {
  const result = await db.execute(sql`select audit_events_partitions_to_close(${endedBefore.toISOString()}::timestamptz) as name`);
  return rowsOf<{ name: string }>(result).map((r) => r.name);
}

/** The secondary indexes `partition` lacks or holds invalid, as drizzle/0016's list and statements say. */
export async function listMissingIndexes(db: DbOrTx, partition: string): Promise<{ name: string; invalid: boolean }[]> {
  const result = await db.execute(sql`select name, invalid from audit_events_missing_indexes(${partition}::regclass)`);
  return rowsOf<{ name: string; invalid: boolean }>(result);
}

/**
 * Builds a partition's missing secondary indexes plainly, in the caller's transaction, through drizzle/0016's
 * SECURITY DEFINER function (writers to that partition wait for it); returns how many it built.
 */
export async function buildPartitionIndexes(tx: Tx, partition: string): Promise<number> {
  const [row] = rowsOf<{ n: number }>(await tx.execute(sql`select audit_events_build_partition_indexes(${partition}::regclass) as n`));
  return Number(row?.n ?? 0);
}

/** The UTC days (YYYY-MM-DD) split into partitions to compact into one (drizzle/0019), ended at or before `endedBefore`. */
export async function listDaysToCompact(db: DbOrTx, endedBefore: Date): Promise<string[]> {
  const result = await db.execute(sql`select to_char(day, 'YYYY-MM-DD') as day from audit_events_days_to_compact(${endedBefore.toISOString()}::timestamptz)`);
  return rowsOf<{ day: string }>(result).map((r) => r.day);
}

/** The steps of compacting a day's partitions into one (drizzle/0019), each meant for a transaction of its own. */
export type CompactStep = 'ready' | 'copy' | 'add-keys' | 'validate-keys' | 'swap';

/** Each step's SQL function (drizzle/0019) and its argument after the day: adds/validates for the foreign keys. */
const COMPACT_FUNCTIONS: Record<CompactStep, [string, boolean | null]> = {
  ready: ['audit_events_compact_ready', null], // 'true' when a previous run left the scratch table ready to swap
  copy: ['audit_events_compact_copy', null],
  'add-keys': ['audit_events_compact_foreign_keys', false],
  'validate-keys': ['audit_events_compact_foreign_keys', true],
  swap: ['audit_events_compact_swap', null], // lock waits give up after the function's default (5 s)
};

/** One compaction step for `day` (YYYY-MM-DD) in the caller's transaction; its SQL function's result as text. */
export async function compactStep(tx: DbOrTx, step: CompactStep, day: string): Promise<string | null> {
  const [fn, flag] = COMPACT_FUNCTIONS[step];
  const args = flag === null ? sql`${day}::date` : sql`${day}::date, ${flag}`;
  const [row] = rowsOf<{ r: string | null }>(await tx.execute(sql`select ${sql.raw(fn)}(${args})::text as r`));
  return row?.r ?? null;
}

/** Drops what compaction left behind (drizzle/0019): partitions a swap set aside, unusable scratch tables; their names. */
export async function dropStaleCompactions(db: DbOrTx): Promise<string[]> {
  const result = await db.execute(sql`select audit_events_drop_stale_compactions() as name`);
  return rowsOf<{ name: string }>(result).map((r) => r.name);
}

/** Takes the close lock for the caller's transaction if no one holds it; false at once otherwise. */
export async function tryCloseLockInTransaction(tx: Tx): Promise<boolean> {
  const [row] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${CLOSE_LOCK_NAME}::text, 0)) as locked`));
  return row?.locked === true;
}

/** A server connection of its own, for statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY). */
export type SessionConnection = {
  /** Takes the close lock for this session if no one holds it (released by unlock() or when the session ends). */
  tryCloseLock(): Promise<boolean>;
  unlock(): Promise<void>;
  /** listPartitionsToClose on this connection. */
  listToClose(endedBefore: Date): Promise<string[]>;
  /** Whether this session's role may build indexes on `partition` itself (it owns it, or is a member of its owner). */
  mayIndex(partition: string): Promise<boolean>;
  /** Drops an invalid index left by an interrupted build, then builds the missing ones, each CONCURRENTLY. */
  buildConcurrently(partition: string): Promise<number>;
  /** buildPartitionIndexes as one statement of its own on this connection (the SECURITY DEFINER path). */
  buildPlainly(partition: string): Promise<number>;
  /** listDaysToCompact on this connection. */
  listDaysToCompact(endedBefore: Date): Promise<string[]>;
  /** compactStep as one statement (one transaction) of its own on this connection. */
  compact(step: CompactStep, day: string): Promise<string | null>;
  /** dropStaleCompactions on this connection. */
  dropStaleCompactions(): Promise<string[]>;
  release(): void;
};

/**
 * A reserved connection of the server's long-work pool (one connection is all the close job needs), or null on
 * PGlite (one connection: no concurrent build there).
 */
export async function reserveSession(db: DbOrTx): Promise<SessionConnection | null> {
  const client = bulkPostgresJsClient(db);
  if (!client) return null;
  const conn = await client.reserve();
  const one = async (query: string, params: unknown[] = []) => (await conn.unsafe(query, params).values())[0]?.[0];
  return {
    tryCloseLock: async () => (await one(`select pg_try_advisory_lock(hashtextextended($1::text, 0))`, [CLOSE_LOCK_NAME])) === true,
    unlock: async () => void (await one(`select pg_advisory_unlock(hashtextextended($1::text, 0))`, [CLOSE_LOCK_NAME])),
    listToClose: async (endedBefore) =>
      (await conn.unsafe(`select audit_events_partitions_to_close($1::timestamptz)`, [endedBefore.toISOString()]).values()).map((r) => String(r[0])),
    mayIndex: async (partition) =>
      (await one(`select pg_has_role(current_user, relowner, 'USAGE') from pg_class where oid = $1::regclass`, [partition])) === true,
    async buildConcurrently(partition) {
      const missing = await conn.unsafe(`select name, invalid, statement from audit_events_missing_indexes($1::regclass, true)`, [partition]).values();
      for (const [name, invalid, statement] of missing as [string, boolean, string][]) {
        if (invalid) await conn.unsafe(String(await one(`select format('drop index concurrently if exists %I', $1::text)`, [name]))).values();
        await conn.unsafe(statement).values();
      }
      // Statistics on the new expression indexes (free text) come from ANALYZE only (as in the SQL function's path).
      if (missing.length > 0) await conn.unsafe(String(await one(`select format('analyze %I', $1::text)`, [partition]))).values();
      return missing.length;
    },
    buildPlainly: async (partition) => Number(await one(`select audit_events_build_partition_indexes($1::regclass)`, [partition])),
    listDaysToCompact: async (endedBefore) =>
      (await conn.unsafe(`select to_char(day, 'YYYY-MM-DD') from audit_events_days_to_compact($1::timestamptz)`, [endedBefore.toISOString()]).values()).map(
        (r) => String(r[0]),
      ),
    async compact(step, day) {
      const [fn, flag] = COMPACT_FUNCTIONS[step];
      const result = await one(
        flag === null ? `select ${fn}($1::date)::text` : `select ${fn}($1::date, $2::boolean)::text`,
        flag === null ? [day] : [day, flag],
      );
      return result === null || result === undefined ? null : String(result);
    },
    dropStaleCompactions: async () => (await conn.unsafe(`select audit_events_drop_stale_compactions()`).values()).map((r) => String(r[0])),
    release: () => conn.release(),
  };
}

/**
 * Drops a partition and its rows through drizzle/0016's SECURITY DEFINER function, which refuses unless every row
 * in it lies at or before its organization's retention anchor. Transaction: the caller holds every chain head it
 * affects and has moved those anchors.
 */
export async function dropPartition(tx: Tx, partition: string): Promise<void> {
  await tx.execute(sql`select audit_drop_partition(${partition})`);
}

/** Makes the caller's transaction give up on a lock after `seconds` rather than wait behind a long reader. */
export async function limitLockWait(tx: Tx, seconds: number): Promise<void> {
  await tx.execute(sql.raw(`set local lock_timeout = '${Math.trunc(seconds)}s'`));
}
