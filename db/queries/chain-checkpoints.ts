import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '@/db/client';
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

/**
 * The organization's checkpoints past tree size `seq` (and up to `throughSeq` when given) that carry a note, oldest
 * first, one per size (the first signed: a later one of the same size never changes the list). Tenancy: `orgId` only.
 */
export async function listCheckpointsAfter(db: DbOrTx, orgId: string, seq: number, throughSeq?: number): Promise<AuditCheckpointRow[]> {
  const rows = await db
    .select()
    .from(auditCheckpoints)
    .where(
      and(
        eq(auditCheckpoints.orgId, orgId),
        gt(auditCheckpoints.seq, seq),
        throughSeq === undefined ? undefined : lte(auditCheckpoints.seq, throughSeq),
        sql`${auditCheckpoints.note} is not null`,
      ),
    )
    .orderBy(asc(auditCheckpoints.seq), asc(auditCheckpoints.signedAt), asc(auditCheckpoints.id));
  return rows.filter((r, i) => i === 0 || rows[i - 1]!.seq !== r.seq);
}

/** Every checkpoint of the organization, oldest first (verification checks them all). Tenancy: `orgId` only. */
export async function listAllCheckpoints(db: DbOrTx, orgId: string): Promise<AuditCheckpointRow[]> {
  return db.select().from(auditCheckpoints).where(eq(auditCheckpoints.orgId, orgId)).orderBy(asc(auditCheckpoints.seq), asc(auditCheckpoints.signedAt));
}

/** The organization's newest checkpoint carrying a note (tree size = seq), or the one at `size`. Tenancy: `orgId` only. */
export async function getNotedCheckpoint(db: DbOrTx, orgId: string, size?: number): Promise<AuditCheckpointRow | undefined> {
  const [row] = await db
    .select()
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.orgId, orgId), sql`${auditCheckpoints.note} is not null`, size === undefined ? undefined : eq(auditCheckpoints.seq, size)))
    .orderBy(desc(auditCheckpoints.seq), desc(auditCheckpoints.signedAt))
    .limit(1);
  return row;
}

/**
 * Holds, until the transaction ends, the right to append to the organization's checkpoints file: processes sharing
 * DATA_DIR (the worker processes of one server) publish one after the other, so none appends a note twice.
 */
export async function lockCheckpointFile(tx: Tx, orgId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`audit_checkpoint_file:${orgId}`}::text, 0))`);
}
