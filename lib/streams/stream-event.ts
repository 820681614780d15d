import type { AuditEventRow } from '@/db/schema/audit-events';
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
