import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditEvents, type AuditEventRow } from '@/db/schema/audit-events';

/** True while audit_events' chain columns are still nullable (drizzle/0005 added them so, for the backfill). */
export async function chainColumnsNullable(db: Db): Promise<boolean> {
  const result = await db.execute(
    sql`select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'audit_events' and column_name = 'seq' and is_nullable = 'YES'`,
  );
  return rowsOf(result).length > 0;
}

/** Organizations with unchained (NULL seq) entries, in id order. Spans every organization: startup only. */
export async function listOrgsWithUnchainedEntries(db: Db): Promise<string[]> {
  return rowsOf<{ org_id: string }>(await db.execute(sql`select distinct org_id from audit_events where seq is null order by 1`)).map((r) => r.org_id);
}

/**
 * Lets `tx` fill the chain columns of NULL-seq rows: the one exception the append-only trigger allows
 * (drizzle/0006). Transaction: the setting ends with `tx`.
 */
export async function allowChainBackfill(tx: Tx): Promise<void> {
  await tx.execute(sql`select set_config('audit.chain_backfill', 'on', true)`);
}

/** Up to `limit` of the organization's unchained entries, oldest first by (occurred_at, id). Tenancy: `orgId` only. */
export async function listUnchainedEntries(tx: Tx, orgId: string, limit: number): Promise<AuditEventRow[]> {
  return tx
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), isNull(auditEvents.seq)))
    .orderBy(asc(auditEvents.occurredAt), asc(auditEvents.id))
    .limit(limit);
}

/**
 * Writes seq, prev_hash and hash into still-unchained entries of one organization. Transaction: after
 * allowChainBackfill and under the head lock, in the same `tx`. Tenancy: `orgId` only.
 */
export async function setChainColumns(tx: Tx, orgId: string, rows: { id: string; seq: number; prevHash: string; hash: string }[]): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(
    rows.map((r) => sql`(${r.id}::uuid, ${r.seq}::bigint, ${r.prevHash}, ${r.hash})`),
    sql`, `,
  );
  await tx.execute(sql`
    update audit_events e set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
    from (values ${values}) as v(id, seq, prev_hash, hash)
    where e.org_id = ${orgId} and e.id = v.id and e.seq is null`);
}

/** Makes the chain columns NOT NULL once every entry is chained. Schema change: startup only. */
export async function requireChainColumns(db: Db): Promise<void> {
  await db.execute(sql`alter table audit_events alter column seq set not null, alter column prev_hash set not null, alter column hash set not null`);
}
