import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditEvents } from '@/db/schema/audit-events';
import { linkRows, lockChainHead, saveChainHead, type UnchainedRow } from '@/lib/chain/append';

const BATCH = 1000;

async function chainColumnsNullable(db: Db): Promise<boolean> {
  const result = await db.execute(
    sql`select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'audit_events' and column_name = 'seq' and is_nullable = 'YES'`,
  );
  return rowsOf(result).length > 0;
}

/** Chains one batch of an organization's unchained rows onto its head; returns how many (0: done). */
async function backfillBatch(db: Db, orgId: string): Promise<number> {
  return db.transaction(async (tx) => {
    // The one exception the append-only trigger allows (drizzle/0006): filling the chain columns of NULL-seq rows.
    await tx.execute(sql`select set_config('audit.chain_backfill', 'on', true)`);
    const head = await lockChainHead(tx, orgId);
    const rows = await tx
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), isNull(auditEvents.seq)))
      .orderBy(asc(auditEvents.occurredAt), asc(auditEvents.id))
      .limit(BATCH);
    if (rows.length === 0) return 0;
    const linked = linkRows(rows as UnchainedRow[], head);
    const values = sql.join(
      linked.rows.map((r) => sql`(${r.id}::uuid, ${r.seq}::bigint, ${r.prevHash}, ${r.hash})`),
      sql`, `,
    );
    await tx.execute(sql`
      update audit_events e set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
      from (values ${values}) as v(id, seq, prev_hash, hash)
      where e.org_id = ${orgId} and e.id = v.id and e.seq is null`);
    await saveChainHead(tx, orgId, linked.head);
    return rows.length;
  });
}

/**
 * Chains entries written before the hash chain existed (drizzle/0005 added the columns nullable): per
 * organization, in (occurred_at, id) order, appended after its current head under the head lock, then
 * makes the columns NOT NULL. Idempotent and cheap when there is nothing to do; run after migrations.
 */
export async function backfillChains(db: Db): Promise<{ orgs: number; rows: number }> {
  if (!(await chainColumnsNullable(db))) return { orgs: 0, rows: 0 };
  const orgs = rowsOf<{ org_id: string }>(await db.execute(sql`select distinct org_id from audit_events where seq is null order by 1`));
  let rows = 0;
  for (const { org_id: orgId } of orgs) {
    for (let n = await backfillBatch(db, orgId); n > 0; n = await backfillBatch(db, orgId)) rows += n;
  }
  await db.execute(sql`alter table audit_events alter column seq set not null, alter column prev_hash set not null, alter column hash set not null`);
  return { orgs: orgs.length, rows };
}
