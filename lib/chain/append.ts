import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditChainHeads } from '@/db/schema/audit-chain';
import { auditEvents, type AuditEventRow, type NewAuditEventRow } from '@/db/schema/audit-events';
import { GENESIS_HASH, prepareEntryHash, type ChainedFields, type PositionedHash } from '@/lib/chain/entry-hash';

/** A row ready to store except for its place in the chain (buildAuditRow's output). */
export type UnchainedRow = Omit<NewAuditEventRow, 'seq' | 'prevHash' | 'hash'> & { id: string };

export type ChainHead = { seq: number; hash: string };

/** The head locked FOR UPDATE, after a key-share lock on its organization row; undefined before the first append. */
async function selectHeadForUpdate(tx: Tx, orgId: string): Promise<ChainHead | undefined> {
  // The audit_events insert's foreign-key check takes this same lock on the organization row; taking it before
  // the head (the CTE is evaluated first) keeps one lock order (organization, then head), so a mutation that
  // locked its organization row first (settings) cannot deadlock with an appender holding the head.
  const result = await tx.execute(sql`
    with org as (select id from organizations where id = ${orgId} for key share)
    select h.seq::text as seq, h.hash from audit_chain_heads h where h.org_id = (select id from org) for update of h`);
  const [head] = rowsOf<{ seq: string; hash: string }>(result);
  return head && { seq: Number(head.seq), hash: head.hash };
}

/**
 * Locks the organization's chain head for the rest of `tx` (creating it at seq 0 / genesis if missing) and
 * returns it; one round trip once the head exists. Every append and the backfill go through here: this lock
 * is what keeps seq gap-free.
 */
export async function lockChainHead(tx: Tx, orgId: string): Promise<ChainHead> {
  const head = await selectHeadForUpdate(tx, orgId);
  if (head) return head;
  // The organization's first entry (a concurrent first append may create the head meanwhile: then this waits for it).
  await tx.insert(auditChainHeads).values({ orgId, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
  const created = await selectHeadForUpdate(tx, orgId);
  if (!created) throw new Error(`the audit chain head of organization ${orgId} could not be locked`);
  return created;
}

export async function saveChainHead(tx: Tx, orgId: string, head: ChainHead): Promise<void> {
  await tx.update(auditChainHeads).set(head).where(eq(auditChainHeads.orgId, orgId));
}

// A dotted quad without leading zeros is already what PostgreSQL prints for an IPv4 host address.
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Rows with each address in PostgreSQL's own text form (`2001:DB8::1` -> `2001:db8::1`): what reads return,
 * so what the hash must cover. One round trip, only when a row has an address other than a plain IPv4 one.
 */
export async function withCanonicalIps(tx: Tx, rows: UnchainedRow[]): Promise<UnchainedRow[]> {
  const raw = [...new Set(rows.map((r) => r.ip).filter((ip): ip is string => typeof ip === 'string' && !CANONICAL_IPV4.test(ip)))];
  if (raw.length === 0) return rows;
  const result = await tx.execute(sql`select v as raw, v::inet as canon from json_array_elements_text(${JSON.stringify(raw)}::text::json) as t(v)`);
  const canon = new Map(rowsOf<{ raw: string; canon: string }>(result).map((r) => [r.raw, r.canon]));
  return rows.map((r) => (r.ip && canon.has(r.ip) ? { ...r, ip: canon.get(r.ip)! } : r));
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

/** A row serialized for its hash except for its place in the chain (prepareRows), ready to link under the lock. */
export type PreparedRow = { fields: ChainedFields; receivedAt?: Date; hashAt: PositionedHash };

/** The hashing work that does not depend on the chain head, done before taking its lock. Pure. */
export function prepareRow(row: UnchainedRow): PreparedRow {
  const fields = toChainedFields(row, 0, GENESIS_HASH);
  return { fields, receivedAt: row.receivedAt, hashAt: prepareEntryHash(fields) };
}

export function prepareRows(rows: UnchainedRow[]): PreparedRow[] {
  return rows.map(prepareRow);
}

/** Links prepared rows (in the given order) onto `head`: the rest of one SHA-256 per row. Pure. */
export function linkPrepared(prepared: PreparedRow[], head: ChainHead): { rows: AuditEventRowToInsert[]; head: ChainHead } {
  let { seq, hash } = head;
  const linked = prepared.map(({ fields, receivedAt, hashAt }) => {
    const prevHash = hash;
    seq += 1;
    hash = hashAt(seq, prevHash);
    return { ...fields, seq, prevHash, receivedAt, hash };
  });
  return { rows: linked, head: { seq, hash } };
}

/** Links rows (in the given order) onto `head` and returns the stored rows plus the new head. Pure. */
export function linkRows(rows: UnchainedRow[], head: ChainHead): { rows: AuditEventRowToInsert[]; head: ChainHead } {
  return linkPrepared(prepareRows(rows), head);
}

// Every column of audit_events, read from the JSON rows under their property names and cast to the column's type.
const COLUMNS = Object.entries(getTableColumns(auditEvents));
const TARGET = sql.raw(COLUMNS.map(([, c]) => `"${c.name}"`).join(', '));
const RECORD = sql.raw(COLUMNS.map(([key, c]) => `"${key}" ${c.getSQLType()}`).join(', '));
// received_at is the only column a row may leave out; it then gets the column default, the transaction's now().
const VALUES = sql.raw(COLUMNS.map(([key, c]) => (c === auditEvents.receivedAt ? `coalesce(r."${key}", now())` : `r."${key}"`)).join(', '));
const ROWS_PER_STATEMENT = 1000;

/**
 * Stores linked rows and moves the organization's head to `linked.head` (the caller holds the head lock).
 * The rows travel as ONE JSON parameter expanded by jsonb_to_recordset, not one parameter per value: a
 * statement text that never changes (prepared once per connection) and no parameter-count limit. The last
 * chunk's insert and the head update are one statement, so an append costs a single round trip.
 */
export async function insertChainedRows(tx: Tx, orgId: string, linked: { rows: AuditEventRowToInsert[]; head: ChainHead }): Promise<void> {
  const { rows, head } = linked;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const json = JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT));
    const insert = sql`insert into audit_events (${TARGET}) select ${VALUES} from jsonb_to_recordset(${json}::text::jsonb) as r(${RECORD})`;
    if (i + ROWS_PER_STATEMENT < rows.length) await tx.execute(insert);
    else await tx.execute(sql`with inserted as (${insert}) update audit_chain_heads set seq = ${head.seq}::bigint, hash = ${head.hash} where org_id = ${orgId}`);
  }
}
