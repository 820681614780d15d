import { and, asc, eq, getTableColumns, gt, inArray, lte, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditEvents, type AuditEventRow } from '@/db/schema/audit-events';
import { AUDIT_EVENTS_COPY_BLOB_STATEMENT, AUDIT_EVENTS_COPY_STATEMENT, copyRowLine, type CopyRowFields } from './audit-event-copy';
import type { ChainHead } from './chain-head';
import { copyFromStdin, transactionPglite, transactionPostgresJs } from './postgres-js';

/** A linked row ready to insert (received_at may be left to the column default). */
export type AuditEventRowToInsert = Omit<AuditEventRow, 'receivedAt'> & { receivedAt?: Date };

// Every column of audit_events, read from the JSON rows under their property names and cast to the column's type.
const COLUMNS = Object.entries(getTableColumns(auditEvents));
const TARGET = sql.raw(COLUMNS.map(([, c]) => `"${c.name}"`).join(', '));
const RECORD = sql.raw(COLUMNS.map(([key, c]) => `"${key}" ${c.getSQLType()}`).join(', '));
// received_at is the only column a row may leave out; it then gets the column default, the transaction's now().
const VALUES = sql.raw(COLUMNS.map(([key, c]) => (c === auditEvents.receivedAt ? `coalesce(r."${key}", now())` : `r."${key}"`)).join(', '));
const ROWS_PER_STATEMENT = 1000;

/**
 * Stores linked rows of one organization and moves its head to `linked.head`. Lock: the caller holds the head
 * (selectChainHeadForUpdate in the same `tx`). The rows travel as ONE JSON parameter expanded by
 * jsonb_to_recordset, not one parameter per value: a statement text that never changes (prepared once per
 * connection) and no parameter-count limit. The last chunk's insert and the head update are one statement, so
 * an append costs a single round trip.
 */
export async function insertChainedRows(tx: Tx, orgId: string, linked: { rows: AuditEventRowToInsert[]; head: ChainHead }): Promise<void> {
  const { rows, head } = linked;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const json = JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT));
    const insert = sql`insert into audit_events (${TARGET}) select ${VALUES} from jsonb_to_recordset(${json}::text::jsonb) as r(${RECORD})`;
    if (i + ROWS_PER_STATEMENT < rows.length) await tx.execute(insert);
    else
      await tx.execute(sql`with inserted as (${insert}) update audit_chain_heads set seq = ${head.seq}::bigint, hash = ${head.hash} where org_id = ${orgId}`);
  }
}

// Fewer rows (an audited action's one entry) go in one INSERT that also moves the head: one round trip, not two.
const COPY_FROM_ROWS = 16;

/** A row to append: its fields (received_at set) and, for the server's COPY, its text up to seq (audit-event-copy.ts). */
export type RowToAppend = { fields: CopyRowFields; copyPrefix: string };
/** A row's place in the chain, assigned under the head lock. */
export type ChainLink = { seq: number; prevHash: string; hash: string };

/**
 * Stores `rows` (each at `links[i]`) for one organization and moves its head to `head`. Lock: the caller holds the
 * head (selectChainHeadForUpdate in the same `tx`). One COPY of text rendered before the lock (FROM STDIN on a
 * server, from a Blob on PGlite), then the head's update; for a few rows insertChainedRows' single statement.
 */
export async function storeChainedRows(tx: Tx, orgId: string, rows: readonly RowToAppend[], links: readonly ChainLink[], head: ChainHead): Promise<void> {
  const server = rows.length >= COPY_FROM_ROWS ? transactionPostgresJs(tx) : null;
  const embedded = rows.length >= COPY_FROM_ROWS && !server ? transactionPglite(tx) : null;
  if (!server && !embedded) {
    await insertChainedRows(tx, orgId, { rows: rows.map((r, i) => ({ ...r.fields, ...links[i]! })), head });
    return;
  }
  let text = '';
  for (let i = 0; i < rows.length; i++) {
    const link = links[i]!;
    text += copyRowLine(rows[i]!.copyPrefix, link.seq, link.prevHash, link.hash);
  }
  if (server) await copyFromStdin(server, AUDIT_EVENTS_COPY_STATEMENT, text);
  else await embedded!.query(AUDIT_EVENTS_COPY_BLOB_STATEMENT, [], { blob: new Blob([text]) });
  await tx.execute(sql`update audit_chain_heads set seq = ${head.seq}::bigint, hash = ${head.hash} where org_id = ${orgId}`);
}

/** Each address in PostgreSQL's own inet text form (`2001:DB8::1` -> `2001:db8::1`), keyed by the raw text. Pure read, no tenancy. */
export async function selectCanonicalInetTexts(tx: DbOrTx, raw: string[]): Promise<Map<string, string>> {
  const result = await tx.execute(sql`select v as raw, v::inet as canon from json_array_elements_text(${JSON.stringify(raw)}::text::json) as t(v)`);
  return new Map(rowsOf<{ raw: string; canon: string }>(result).map((r) => [r.raw, r.canon]));
}

/** Every column but received_at: what the hash covers, and the hash. */
const hashedColumns = Object.fromEntries(Object.entries(getTableColumns(auditEvents)).filter(([key]) => key !== 'receivedAt')) as Omit<
  ReturnType<typeof getTableColumns<typeof auditEvents>>,
  'receivedAt'
>;

/** An entry as the chain covers it: every column but received_at. */
export type HashedEntryRow = Omit<AuditEventRow, 'receivedAt'>;

/**
 * One keyset batch of the organization's entries, afterSeq < seq <= throughSeq in seq order. Started at once
 * (not when awaited), so the next batch can be read while the caller hashes this one. Tenancy: `orgId` only.
 */
export function listHashedEntries(db: DbOrTx, orgId: string, afterSeq: number, throughSeq: number, limit: number): Promise<HashedEntryRow[]> {
  return db
    .select(hashedColumns)
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), gt(auditEvents.seq, afterSeq), lte(auditEvents.seq, throughSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit)
    .execute();
}

/** One entry as Drizzle reads it, by its primary key (occurred_at, id) and seq. Tenancy: `orgId` only. */
export async function getHashedEntry(db: DbOrTx, orgId: string, key: { occurredAt: Date; id: string; seq: number }): Promise<HashedEntryRow | undefined> {
  const [row] = await db
    .select(hashedColumns)
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.occurredAt, key.occurredAt), eq(auditEvents.id, key.id), eq(auditEvents.seq, key.seq)))
    .limit(1);
  return row;
}

/** Seq numbers per query: one bind parameter each, and a statement takes at most 65,535 (ten years of hourly checkpoints is more). */
const SEQS_PER_QUERY = 10_000;

/** Just the seq and stored hash of the entries at these seq numbers (checkpoint checks), in seq order. Tenancy: `orgId` only. */
export async function listEntryHashesAt(db: DbOrTx, orgId: string, seqs: number[]): Promise<{ seq: number; hash: string }[]> {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: { seq: number; hash: string }[] = [];
  for (let i = 0; i < sorted.length; i += SEQS_PER_QUERY) {
    const rows = await db
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), inArray(auditEvents.seq, sorted.slice(i, i + SEQS_PER_QUERY))))
      .orderBy(asc(auditEvents.seq));
    out.push(...rows);
  }
  return out;
}

/** The seq of the organization's entry whose hash is `hash`, if any. Tenancy: `orgId` only. */
export async function findSeqByHash(db: DbOrTx, orgId: string, hash: string): Promise<number | undefined> {
  const [row] = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.hash, hash)))
    .limit(1);
  return row?.seq;
}

/** The organization's first entry with seq > `seq`, if any. Tenancy: `orgId` only. */
export async function getFirstEntryAfter(db: DbOrTx, orgId: string, seq: number): Promise<{ seq: number; id: string } | undefined> {
  const [row] = await db
    .select({ seq: auditEvents.seq, id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), gt(auditEvents.seq, seq)))
    .orderBy(asc(auditEvents.seq))
    .limit(1);
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `COPY (select <columns>, hash …) TO STDOUT` text for afterSeq < seq <= throughSeq of one organization, in seq
 * order. COPY takes no bind parameters, so every literal is checked (uuid, safe integers) and the column names
 * must be audit_events' own. Tenancy: `orgId` only.
 */
export function chainCopyStatement(columns: readonly string[], orgId: string, afterSeq: number, throughSeq: number): string {
  if (!UUID.test(orgId) || !Number.isSafeInteger(afterSeq) || !Number.isSafeInteger(throughSeq)) throw new Error('COPY range: bad literal');
  if (!columns.every((c) => COLUMN_NAMES.has(c))) throw new Error('COPY range: unknown column');
  return `copy (select ${columns.map((c) => `"${c}"`).join(', ')}, "hash" from audit_events where org_id = '${orgId}' and seq > ${afterSeq} and seq <= ${throughSeq} order by seq) to stdout`;
}

const COLUMN_NAMES = new Set(COLUMNS.map(([, c]) => c.name));

/** True when `orgId` can be written into a COPY statement (COPY takes no bind parameters). */
export function isUuidLiteral(orgId: string): boolean {
  return UUID.test(orgId);
}
