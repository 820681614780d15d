import type { AuditEventRow, FieldChange } from '@/db/schema/audit-events';
import type { ActorType, Result, Source } from '@/db/vocabulary/audit';
import type { ChainedFields } from '@/lib/chain/entry-hash';

/*
 * An entry in its public JSON form (JSONL exports and log streams: snake_case, nested actor and object, UTC times),
 * both ways: toPublicRecord writes it from a stored row, chainedFieldsOf reads it back into the fields its hash
 * covers (the one mapping both offline verifiers use: the export checker and lib/streams/verify-received.ts).
 */

/** A stored row as the public record needs it: every hashed column (received_at is added by whoever shows it). */
export type PublicRow = Omit<AuditEventRow, 'receivedAt'>;

/**
 * The entry's public record: its place in the chain first, then every field the hash covers, so a receiver or an
 * auditor can recompute the hash from the record alone. One key order for every consumer.
 */
export function toPublicRecord(row: PublicRow) {
  return {
    id: row.id,
    org_id: row.orgId,
    seq: row.seq,
    prev_hash: row.prevHash,
    hash: row.hash,
    occurred_at: row.occurredAt.toISOString(),
    actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
    object: { type: row.objectType, id: row.objectId, label: row.objectLabel },
    source: row.source,
    ip: row.ip,
    user_agent: row.userAgent,
    request_id: row.requestId,
    action: row.action,
    module: row.module,
    project: row.project,
    message: row.message,
    result: row.result,
    error_message: row.errorMessage,
    before: row.before,
    after: row.after,
    changes: row.changes,
    changed_fields: row.changedFields,
    metadata: row.metadata,
  };
}

/** The public record's shape. */
export type PublicRecord = ReturnType<typeof toPublicRecord>;

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The hashed fields back from a record (as JSON), for lib/chain/entry-hash.ts. Missing or mistyped fields come
 * back as null/empty, so the recomputed hash differs and the verifier names the entry instead of failing.
 */
export function chainedFieldsOf(e: Record<string, unknown>): ChainedFields {
  const actor = obj(e.actor);
  const object = obj(e.object);
  return {
    orgId: String(e.org_id ?? ''),
    id: String(e.id ?? ''),
    seq: Number(e.seq),
    prevHash: String(e.prev_hash ?? ''),
    occurredAt: new Date(String(e.occurred_at ?? '')),
    actorType: String(actor.type ?? '') as ActorType,
    actorId: str(actor.id),
    actorLabel: String(actor.label ?? ''),
    source: String(e.source ?? '') as Source,
    ip: str(e.ip),
    userAgent: str(e.user_agent),
    requestId: str(e.request_id),
    action: String(e.action ?? ''),
    objectType: String(object.type ?? ''),
    objectId: str(object.id),
    objectLabel: str(object.label),
    module: str(e.module),
    project: str(e.project),
    message: String(e.message ?? ''),
    result: String(e.result ?? '') as Result,
    errorMessage: str(e.error_message),
    before: e.before ?? null,
    after: e.after ?? null,
    changes: (e.changes ?? null) as FieldChange[] | null,
    changedFields: Array.isArray(e.changed_fields) ? (e.changed_fields as string[]) : [],
    metadata: obj(e.metadata),
  };
}
