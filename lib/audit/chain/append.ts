import { eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditChainHeads } from '@/db/schema/audit-chain';
import { organizations } from '@/db/schema/tenancy';
import type { AuditEventRow, NewAuditEventRow } from '@/db/schema/audit-events';
import { computeEntryHash, GENESIS_HASH, type ChainedFields } from './entry-hash';

/** A row ready to store except for its place in the chain (buildAuditRow's output). */
export type UnchainedRow = Omit<NewAuditEventRow, 'seq' | 'prevHash' | 'hash'> & { id: string };

export type ChainHead = { seq: number; hash: string };

/**
 * Locks the organization's chain head for the rest of `tx` (creating it at seq 0 / genesis if missing) and
 * returns it. Every append and the backfill go through here: this lock is what keeps seq gap-free.
 */
export async function lockChainHead(tx: Tx, orgId: string): Promise<ChainHead> {
  // The audit_events insert's foreign-key check takes this same lock on the organization row; taking it before
  // the head keeps one lock order (organization, then head), so a mutation that locked its organization row
  // first (settings) cannot deadlock with an appender holding the head.
  await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).for('key share');
  await tx.insert(auditChainHeads).values({ orgId, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
  const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.orgId, orgId)).for('update');
  return { seq: head!.seq, hash: head!.hash };
}

export async function saveChainHead(tx: Tx, orgId: string, head: ChainHead): Promise<void> {
  await tx.update(auditChainHeads).set(head).where(eq(auditChainHeads.orgId, orgId));
}

/**
 * Rows with each address in PostgreSQL's own text form (`2001:DB8::1` -> `2001:db8::1`): what reads return,
 * so what the hash must cover. One round trip, only when a row has an address.
 */
export async function withCanonicalIps(tx: Tx, rows: UnchainedRow[]): Promise<UnchainedRow[]> {
  const raw = [...new Set(rows.map((r) => r.ip).filter((ip): ip is string => typeof ip === 'string'))];
  if (raw.length === 0) return rows;
  const values = sql.join(raw.map((ip) => sql`(${ip})`), sql`, `);
  const result = await tx.execute(sql`select v as raw, v::inet as canon from (values ${values}) as t(v)`);
  const canon = new Map(rowsOf<{ raw: string; canon: string }>(result).map((r) => [r.raw, r.canon]));
  return rows.map((r) => (r.ip ? { ...r, ip: canon.get(r.ip) ?? r.ip } : r));
}

/** Rows grouped per organization, organizations in id order: a fixed lock order means no crosswise waits. */
export function groupByOrg(rows: UnchainedRow[]): [string, UnchainedRow[]][] {
  const byOrg = new Map<string, UnchainedRow[]>();
  for (const row of rows) {
    const list = byOrg.get(row.orgId);
    if (list) list.push(row);
    else byOrg.set(row.orgId, [row]);
  }
  return [...byOrg.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The stored form of every hashed column, with the defaults the table would apply. */
export function toChainedFields(row: UnchainedRow, seq: number, prevHash: string): ChainedFields {
  return {
    orgId: row.orgId,
    id: row.id,
    seq,
    prevHash,
    occurredAt: row.occurredAt,
    actorType: row.actorType,
    actorId: row.actorId ?? null,
    actorLabel: row.actorLabel,
    source: row.source,
    ip: row.ip ?? null,
    userAgent: row.userAgent ?? null,
    requestId: row.requestId ?? null,
    action: row.action,
    objectType: row.objectType,
    objectId: row.objectId ?? null,
    objectLabel: row.objectLabel ?? null,
    module: row.module ?? null,
    project: row.project ?? null,
    message: row.message ?? '',
    result: row.result ?? 'success',
    errorMessage: row.errorMessage ?? null,
    before: row.before ?? null,
    after: row.after ?? null,
    changes: row.changes ?? null,
    changedFields: row.changedFields ?? [],
    metadata: row.metadata ?? {},
  };
}

export type AuditEventRowToInsert = Omit<AuditEventRow, 'receivedAt'> & { receivedAt?: Date };

/** Links rows (in the given order) onto `head` and returns the stored rows plus the new head. Pure. */
export function linkRows(rows: UnchainedRow[], head: ChainHead): { rows: AuditEventRowToInsert[]; head: ChainHead } {
  let { seq, hash } = head;
  const linked = rows.map((row) => {
    const fields = toChainedFields(row, seq + 1, hash);
    const next = computeEntryHash(fields);
    seq += 1;
    hash = next;
    return { ...fields, receivedAt: row.receivedAt, hash: next };
  });
  return { rows: linked, head: { seq, hash } };
}

