import { createHash } from 'node:crypto';
import type { AuditEventRow } from '@/db/schema/audit-events';
import { canonicalize } from './jcs';

/** prev_hash of an organization's first entry (seq 1): there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** The columns an entry's hash covers, as stored (ip in PostgreSQL's inet text form, jsonb as JSON values). */
export type ChainedFields = Omit<AuditEventRow, 'receivedAt' | 'hash'>;

/**
 * The canonical record behind an entry's hash: every recorded column except `received_at` (the server's
 * arrival stamp, not part of what the entry claims) and `hash` itself; `prev_hash` links it to its
 * predecessor. Keys are the column names; occurred_at is an ISO 8601 UTC string with milliseconds.
 */
export function chainRecord(row: ChainedFields): Record<string, unknown> {
  return {
    org_id: row.orgId,
    id: row.id,
    seq: row.seq,
    prev_hash: row.prevHash,
    occurred_at: row.occurredAt.toISOString(),
    actor_type: row.actorType,
    actor_id: row.actorId,
    actor_label: row.actorLabel,
    source: row.source,
    ip: row.ip,
    user_agent: row.userAgent,
    request_id: row.requestId,
    action: row.action,
    object_type: row.objectType,
    object_id: row.objectId,
    object_label: row.objectLabel,
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

/** SHA-256 (lower-case hex) over the UTF-8 bytes of the entry's RFC 8785 canonical form. */
export function computeEntryHash(row: ChainedFields): string {
  return createHash('sha256').update(canonicalize(chainRecord(row)), 'utf8').digest('hex');
}
