import { desc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditCheckpoints, type AuditCheckpointRow } from '@/db/schema/audit-chain';

/** Stores a signed checkpoint. Tenancy: the row's own `orgId`. */
export async function insertCheckpoint(db: DbOrTx, row: AuditCheckpointRow): Promise<void> {
  await db.insert(auditCheckpoints).values(row);
}

/** The organization's checkpoints, newest first. Tenancy: `orgId` only. */
export async function listCheckpoints(db: DbOrTx, orgId: string, limit = 100): Promise<AuditCheckpointRow[]> {
  return db
    .select()
    .from(auditCheckpoints)
    .where(eq(auditCheckpoints.orgId, orgId))
    .orderBy(desc(auditCheckpoints.signedAt), desc(auditCheckpoints.id))
    .limit(limit);
}

/** Organizations whose chain head moved since their newest checkpoint (or that have none yet). Spans every organization: the schedule only. */
export async function listOrgsNeedingCheckpoint(db: Db): Promise<string[]> {
  const result = await db.execute(sql`
    select h.org_id from audit_chain_heads h
    where h.seq > 0 and not exists (
      select 1 from audit_checkpoints c where c.org_id = h.org_id and c.seq = h.seq and c.hash = h.hash)
    order by 1`);
  return rowsOf<{ org_id: string }>(result).map((r) => r.org_id);
}
