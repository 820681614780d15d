import type { FieldChange } from '@/db/schema/audit-events';
import type { ActorType, Result, Source } from '@/db/vocabulary/audit';
import type { ChainedFields } from '@/lib/chain/entry-hash';

/*
 * An entry in its public JSON form (the events API, JSONL exports and log streams: snake_case, nested actor and
 * object) read back into the fields its hash covers. The one mapping both offline verifiers use: the export
 * checker (export-proof-check.ts) and the stream verifier (lib/streams/verify-received.ts).
 */

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
