import type { AuditEventRow, FieldChange } from '@/db/schema/audit-events';
import type { ChainedFields } from '@/lib/chain/entry-hash';
import type { ActorType, Result, Source } from '@/db/vocabulary/audit';
import type { StreamEvent } from './sink';

/** An entry as it leaves the product: the ingest format's names and nesting, every hashed field, and its place in the chain. */
export type StreamEventFields = StreamEvent & {
  actor: { type: string; id: string | null; label: string };
  object: { type: string; id: string | null; label: string | null };
  source: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  module: string | null;
  project: string | null;
  message: string;
  result: string;
  error_message: string | null;
  before: unknown;
  after: unknown;
  changes: unknown;
  changed_fields: string[];
  metadata: Record<string, unknown>;
};

/** The stored row as a stream event: nothing the hash covers is left out, so a receiver can recompute it. */
export function toStreamEvent(row: Omit<AuditEventRow, 'receivedAt'>): StreamEventFields {
  return {
    org_id: row.orgId,
    id: row.id,
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

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The hashed fields back from a received event (as JSON), for lib/chain/entry-hash.ts. Missing or mistyped
 * fields come back as null/empty, so the recomputed hash differs and the verifier names the entry.
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
