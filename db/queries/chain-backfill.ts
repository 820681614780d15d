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
 * Writes seq, prev_hash and hash into still-unchained entries of one organization, through drizzle/0012's SECURITY
 * DEFINER function (the only way past the append-only trigger). Transaction: under the head lock. Tenancy: `orgId` only.
 */
export async function setChainColumns(tx: Tx, orgId: string, rows: { id: string; seq: number; prevHash: string; hash: string }[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows.map((r) => ({ id: r.id, seq: r.seq, prev_hash: r.prevHash, hash: r.hash })));
  await tx.execute(sql`select audit_chain_backfill(${orgId}::uuid, ${json}::text::jsonb)`);
}

/** Makes the chain columns NOT NULL once every entry is chained. Schema change: startup only. */
export async function requireChainColumns(db: Db): Promise<void> {
  await db.execute(sql`alter table audit_events alter column seq set not null, alter column prev_hash set not null, alter column hash set not null`);
}
