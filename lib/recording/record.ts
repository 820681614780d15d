import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx, Tx } from '@/db/client';
import type { FieldChange } from '@/db/schema/audit-events';
import { uuidv7 } from '@/lib/ids';
import { getSettings } from '@/lib/settings';
import { notifyAuditAppended, type AuditAppended } from '@/db/queries/audit-notify';
import { groupByOrg, prepareRow, withCanonicalIps, type PreparedRow, type UnchainedRow } from '@/lib/chain/append';
import { appendPrepared } from '@/lib/recording/append';
import { changedFieldPaths, diffSnapshots } from '@/lib/recording/diff';
import { createRedactor, type Redactor } from '@/lib/recording/redact';
import type { ActorType, Result, Source } from '@/db/vocabulary/audit';

export type Actor = { type: ActorType; id: string | null; label: string };

/** Everything one audit entry says. `changes` is derived from before/after unless given explicitly. */
export type AuditEntry = {
  orgId: string;
  actor: Actor;
  source: Source;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  action: string;
  objectType: string;
  objectId?: string | null;
  objectLabel?: string | null;
  module?: string | null;
  project?: string | null;
  message?: string;
  result?: Result;
  errorMessage?: string | null;
  before?: unknown;
  after?: unknown;
  changes?: FieldChange[];
  metadata?: Record<string, unknown>;
  /** Server-owned metadata (attribution, never user input): merged after redaction, so `api_key_id` stays readable. */
  systemMetadata?: Record<string, unknown>;
  occurredAt?: Date;
  /** When the server received it (defaults to now); not covered by the hash chain. */
  receivedAt?: Date;
  id?: string;
};

let defaultRedactor: Redactor | undefined;
/** The redactor every entry goes through: the built-in names plus AUDIT_REDACT_FIELDS (read once). */
export function redactor(): Redactor {
  defaultRedactor ??= createRedactor(getSettings().redactFields);
  return defaultRedactor;
}

/** The row to store: ids and times filled in, action lower-cased, field changes computed, secrets redacted. */
export function buildAuditRow(entry: AuditEntry, r: Redactor = redactor()): UnchainedRow {
  const occurredAt = entry.occurredAt ?? new Date();
  const before = entry.before ?? null;
  const after = entry.after ?? null;
  // Diff the raw snapshots so a changed secret still shows up as a (redacted) change.
  const changes = r.changes(entry.changes ?? (before === null && after === null ? [] : diffSnapshots(before, after)));
  return {
    orgId: entry.orgId,
    id: entry.id ?? uuidv7(occurredAt),
    occurredAt,
    receivedAt: entry.receivedAt,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    actorLabel: entry.actor.label,
    source: entry.source,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    requestId: entry.requestId ?? null,
    action: entry.action.toLowerCase(),
    objectType: entry.objectType,
    objectId: entry.objectId ?? null,
    objectLabel: entry.objectLabel ?? null,
    module: entry.module ?? null,
    project: entry.project ?? null,
    message: entry.message ?? '',
    result: entry.result ?? 'success',
    errorMessage: entry.errorMessage ?? null,
    before: r.value(before),
    after: r.value(after),
    changes,
    changedFields: changedFieldPaths(changes),
    metadata: { ...r.value(entry.metadata ?? {}), ...entry.systemMetadata },
  };
}

const SLICE = 100;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * items.map(fn) for a large batch, in slices with a turn of the event loop between them: while this request
 * builds a thousand entries, another one holding its organization's chain head gets its database replies
 * handled (and so its lock released) without waiting for all of this CPU work.
 */
export async function mapInSlices<T, U>(items: T[], fn: (item: T) => U): Promise<U[]> {
  const out: U[] = [];
  for (let i = 0; i < items.length; i += SLICE) {
    if (i > 0) await yieldToEventLoop();
    for (const item of items.slice(i, i + SLICE)) out.push(fn(item));
  }
  return out;
}

/** Runs `fn` in the caller's transaction, or in a new one when given the database itself. */
function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db instanceof PgTransaction ? fn(db as Tx) : (db as Db).transaction(fn);
}

/**
 * Rows of any organizations appended in the caller's transaction: per organization (in id order, so concurrent
 * writers lock heads in one order) the prepared rows go through appendPrepared. All the per-row work happens
 * before any lock is taken: a concurrent writer to the organization waits only for the store itself.
 */
async function appendRows(tx: Tx, rows: UnchainedRow[]): Promise<void> {
  const groups: [string, PreparedRow[]][] = [];
  for (const [orgId, orgRows] of groupByOrg(await withCanonicalIps(tx, rows))) groups.push([orgId, await mapInSlices(orgRows, prepareRow)]);
  const heads: AuditAppended[] = [];
  for (const [orgId, prepared] of groups) {
    const moved = await appendPrepared(tx, orgId, prepared);
    if (moved) heads.push(moved);
  }
  // One call per appending transaction (delivered at commit): the live tail's only signal (lib/live).
  await notifyAuditAppended(tx, heads);
}

/**
 * Records one entry inside the caller's transaction (or its own, given the database): if this insert fails,
 * the caller's mutation is rolled back with it, and a rolled-back mutation leaves no entry. The entry extends
 * its organization's hash chain; concurrent writers to one organization wait for each other's commit.
 */
export async function recordAuditEvent(tx: DbOrTx, entry: AuditEntry): Promise<{ id: string }> {
  const row = buildAuditRow(entry);
  await inTransaction(tx, (t) => appendRows(t, [row]));
  return { id: row.id };
}

/** Several entries at once (ingest batches, seeding), chained in array order; same transaction rule as recordAuditEvent. */
export async function recordAuditEvents(tx: DbOrTx, entries: AuditEntry[]): Promise<{ ids: string[] }> {
  if (entries.length === 0) return { ids: [] };
  const rows = await mapInSlices(entries, (e) => buildAuditRow(e));
  await inTransaction(tx, (t) => appendRows(t, rows));
  return { ids: rows.map((r) => r.id) };
}
