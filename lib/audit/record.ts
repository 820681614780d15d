import type { DbOrTx } from '@/db/client';
import { auditEvents, type FieldChange, type NewAuditEventRow } from '@/db/schema/audit-events';
import { uuidv7 } from '@/lib/ids';
import { getSettings } from '@/lib/settings';
import { changedFieldPaths, diffSnapshots } from './diff';
import { createRedactor, type Redactor } from './redact';
import type { ActorType, Result, Source } from './vocabulary';

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
  id?: string;
};

let defaultRedactor: Redactor | undefined;
function redactor(): Redactor {
  defaultRedactor ??= createRedactor(getSettings().redactFields);
  return defaultRedactor;
}

/** The row to store: ids and times filled in, action lower-cased, field changes computed, secrets redacted. */
export function buildAuditRow(entry: AuditEntry, r: Redactor = redactor()): NewAuditEventRow {
  const occurredAt = entry.occurredAt ?? new Date();
  const before = entry.before ?? null;
  const after = entry.after ?? null;
  // Diff the raw snapshots so a changed secret still shows up as a (redacted) change.
  const changes = r.changes(entry.changes ?? (before === null && after === null ? [] : diffSnapshots(before, after)));
  return {
    orgId: entry.orgId,
    id: entry.id ?? uuidv7(occurredAt),
    occurredAt,
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

/**
 * Records one entry inside the caller's transaction: if this insert fails, the caller's mutation is
 * rolled back with it, and a rolled-back mutation leaves no entry.
 */
export async function recordAuditEvent(tx: DbOrTx, entry: AuditEntry): Promise<{ id: string }> {
  const row = buildAuditRow(entry);
  await tx.insert(auditEvents).values(row);
  return { id: row.id! };
}

/** Several entries in one statement (ingest batches); same transaction rule as recordAuditEvent. */
export async function recordAuditEvents(tx: DbOrTx, entries: AuditEntry[]): Promise<{ ids: string[] }> {
  if (entries.length === 0) return { ids: [] };
  const rows = entries.map((e) => buildAuditRow(e));
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(auditEvents).values(rows.slice(i, i + 1000));
  return { ids: rows.map((r) => r.id!) };
}
