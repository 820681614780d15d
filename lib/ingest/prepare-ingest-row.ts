import { prepareStoredRow, type PreparedRow } from '@/lib/chain/append';
import { redactor } from '@/lib/recording/record';
import { changedFieldPaths, diffSnapshots } from '@/lib/recording/diff';
import type { Redactor } from '@/lib/recording/redact';
import type { ApiKeyPrincipal } from '@/lib/auth/api-keys';
import type { FieldChange } from '@/db/schema/audit-events';
import type { IngestEvent } from './event-schema';
import { apiKeyActor, type IngestAttribution } from './to-audit-entry';

/** What one request gives every row it stores: the key's organization and actor, the attribution, the arrival time. */
export type IngestRowContext = { key: ApiKeyPrincipal; ingest: IngestAttribution; receivedAt: Date; canonicalIps: ReadonlyMap<string, string> };

/**
 * A validated event straight to its prepared row (stored fields, hash up to its place in the chain, COPY text),
 * without the AuditEntry and UnchainedRow objects in between and without copying a value that has no secret to
 * redact (addresses in PostgreSQL's text form from c.canonicalIps): the same stored values and hash as prepareRow(buildAuditRow(toAuditEntry(...))), which stays the path of
 * every other entry (pinned by tests/unit/ingest-hot-path.test.ts). Values are shared with the parsed body, which
 * the request owns and nothing mutates. Tenancy: the row belongs to c.key.orgId. Pure.
 */
export function prepareIngestRow(event: IngestEvent, id: string, occurredAt: Date, c: IngestRowContext, r: Redactor = redactor()): PreparedRow {
  const before = event.before ?? null;
  const after = event.after ?? null;
  const given = event.changes?.map((ch): FieldChange => ({ path: ch.path, before: ch.before ?? null, after: ch.after ?? null }));
  // Diff the raw snapshots so a changed secret still shows up as a (redacted) change.
  const changes = r.changes(given ?? (before === null && after === null ? [] : diffSnapshots(before, after)));
  const actor = event.actor ? { type: event.actor.type, id: event.actor.id ?? null, label: event.actor.label } : apiKeyActor(c.key);
  const redacted = <T>(v: T): T => (r.hasSensitiveKey(v) ? r.value(v) : v);
  return prepareStoredRow({
    orgId: c.key.orgId,
    id,
    occurredAt,
    receivedAt: c.receivedAt,
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    source: 'api',
    ip: event.ip === undefined ? null : (c.canonicalIps.get(event.ip) ?? event.ip),
    userAgent: event.user_agent ?? null,
    requestId: event.request_id ?? null,
    action: event.action.toLowerCase(),
    objectType: event.object.type,
    objectId: event.object.id ?? null,
    objectLabel: event.object.label ?? null,
    module: event.module ?? null,
    project: event.project ?? null,
    message: event.message ?? '',
    result: event.result ?? 'success',
    errorMessage: event.error_message ?? null,
    before: redacted(before),
    after: redacted(after),
    changes,
    changedFields: changedFieldPaths(changes),
    metadata: { ...redacted(event.metadata ?? {}), ingest: c.ingest },
  });
}
