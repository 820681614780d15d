import type { DbOrTx, Tx } from '@/db/client';
import { insertChainHeadIfMissing, selectChainHeadForUpdate, type ChainHead } from '@/db/queries/chain-head';
import { selectCanonicalInetTexts, type AuditEventRowToInsert, type ChainLink, type RowToAppend } from '@/db/queries/chain-entries';
import { copyRowPrefix, type CopyRowFields } from '@/db/queries/audit-event-copy';
import type { NewAuditEventRow } from '@/db/schema/audit-events';
import { GENESIS_HASH, hashOpenEntry, openEntry, type CapturedMembers, type ChainedFields, type OpenEntry } from '@/lib/chain/entry-hash';

/** A row ready to store except for its place in the chain (buildAuditRow's output). */
export type UnchainedRow = Omit<NewAuditEventRow, 'seq' | 'prevHash' | 'hash'> & { id: string };

/**
 * Locks the organization's chain head for the rest of `tx` (creating it at seq 0 / genesis if missing) and
 * returns it; one round trip once the head exists. Every append and the backfill go through here: this lock
 * is what keeps seq gap-free.
 */
export async function lockChainHead(tx: Tx, orgId: string): Promise<ChainHead> {
  const head = await selectChainHeadForUpdate(tx, orgId);
  if (head) return head;
  // The organization's first entry (a concurrent first append may create the head meanwhile: then this waits for it).
  await insertChainHeadIfMissing(tx, orgId, { seq: 0, hash: GENESIS_HASH });
  const created = await selectChainHeadForUpdate(tx, orgId);
  if (!created) throw new Error(`the audit chain head of organization ${orgId} could not be locked`);
  return created;
}

// A dotted quad without leading zeros is already what PostgreSQL prints for an IPv4 host address.
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Rows with each address in PostgreSQL's own text form (`2001:DB8::1` -> `2001:db8::1`): what reads return,
 * so what the hash must cover. One round trip, only when a row has an address other than a plain IPv4 one.
 */
export async function withCanonicalIps(tx: DbOrTx, rows: UnchainedRow[]): Promise<UnchainedRow[]> {
  const canon = await canonicalIpTexts(
    tx,
    rows.map((r) => r.ip),
  );
  if (canon.size === 0) return rows;
  return rows.map((r) => (r.ip && canon.has(r.ip) ? { ...r, ip: canon.get(r.ip)! } : r));
}

/** PostgreSQL's text form of each address that is not already a plain IPv4 one, keyed by the address as given. */
export async function canonicalIpTexts(tx: DbOrTx, ips: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  const raw = [...new Set(ips.filter((ip): ip is string => typeof ip === 'string' && !CANONICAL_IPV4.test(ip)))];
  return raw.length === 0 ? new Map() : selectCanonicalInetTexts(tx, raw);
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

/** The stored form of every column but the chain's, with the defaults the table would apply (received_at: now). */
export function toStoredFields(row: UnchainedRow): CopyRowFields {
  return {
    orgId: row.orgId,
    id: row.id,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt ?? new Date(),
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

/** The stored form of every hashed column, with the defaults the table would apply. */
export function toChainedFields(row: UnchainedRow, seq: number, prevHash: string): ChainedFields {
  const fields: Partial<CopyRowFields> = toStoredFields(row);
  delete fields.receivedAt;
  return { ...(fields as Omit<CopyRowFields, 'receivedAt'>), seq, prevHash };
}

/**
 * A row ready to append except for its place in the chain: its stored fields (received_at fixed), its canonical
 * form with seq and prev_hash left open, and its COPY text up to seq (rendered from the same canonical JSON).
 */
export type PreparedRow = RowToAppend & { entry: OpenEntry };

/** The work of an append that does not depend on the chain head, done before taking its lock. Pure but for the clock. */
export function prepareRow(row: UnchainedRow): PreparedRow {
  return prepareStoredRow(toStoredFields(row));
}

/** prepareRow for a row already in its stored form (every column's value as stored, received_at fixed). Pure. */
export function prepareStoredRow(fields: CopyRowFields): PreparedRow {
  const json: CapturedMembers = {};
  // The hash's members never include received_at: passing the stored fields as they are is the same record.
  const entry = openEntry(fields, json);
  return { fields, entry, copyPrefix: copyRowPrefix(fields, json) };
}

export function prepareRows(rows: UnchainedRow[]): PreparedRow[] {
  return rows.map(prepareRow);
}

/** The hash of a prepared row at `seq` after `prevHash`. Pure. */
export function preparedRowHash(row: PreparedRow, seq: number, prevHash: string): string {
  return hashOpenEntry(row.entry, seq, prevHash);
}

/** Places prepared rows (in the given order) after `head`: one SHA-256 of its canonical form per row. Pure. */
export function linkPrepared(prepared: readonly PreparedRow[], head: ChainHead): { links: ChainLink[]; head: ChainHead } {
  let { seq, hash } = head;
  const links = prepared.map(({ entry }) => {
    const prevHash = hash;
    seq += 1;
    hash = hashOpenEntry(entry, seq, prevHash);
    return { seq, prevHash, hash };
  });
  return { links, head: { seq, hash } };
}

/** Links rows (in the given order) onto `head` and returns the stored rows plus the new head. Pure. */
export function linkRows(rows: UnchainedRow[], head: ChainHead): { rows: AuditEventRowToInsert[]; head: ChainHead } {
  const prepared = prepareRows(rows);
  const linked = linkPrepared(prepared, head);
  return { rows: prepared.map((p, i) => ({ ...p.fields, ...linked.links[i]!, receivedAt: rows[i]!.receivedAt })), head: linked.head };
}
