import type { Actor, AuditEntry } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import type { ApiKeyPrincipal } from '@/lib/auth/api-keys';
import type { IngestEvent } from './event-schema';

/** The actor of anything an API key does on its own behalf (and of sent events that name no actor). */
export function apiKeyActor(key: ApiKeyPrincipal): Actor {
  return { type: 'api_key', id: key.keyId, label: `API key ${key.name} (${key.prefix})` };
}

/** Who delivered an event, stored as metadata.ingest; server-owned, so it is attached after redaction. */
export type IngestAttribution = { api_key_id: string; api_key_prefix: string; client_ip: string | null; request_id: string };

/** Attribution for one request: the key that sent it and the caller's resolved address (not the event's `ip`). */
export function ingestAttribution(key: ApiKeyPrincipal, request: RequestContext): IngestAttribution {
  return { api_key_id: key.keyId, api_key_prefix: key.prefix, client_ip: request.ip, request_id: request.requestId };
}

/** A validated event as an audit entry of the key's organization; the event's own ip/user agent describe its origin. */
export function toAuditEntry(event: IngestEvent, key: ApiKeyPrincipal, opts: { id: string; occurredAt: Date }): AuditEntry {
  return {
    orgId: key.orgId,
    id: opts.id,
    occurredAt: opts.occurredAt,
    actor: event.actor ? { type: event.actor.type, id: event.actor.id ?? null, label: event.actor.label } : apiKeyActor(key),
    source: 'api',
    ip: event.ip,
    userAgent: event.user_agent,
    requestId: event.request_id,
    action: event.action,
    objectType: event.object.type,
    objectId: event.object.id,
    objectLabel: event.object.label,
    module: event.module,
    project: event.project,
    message: event.message,
    result: event.result,
    errorMessage: event.error_message,
    before: event.before,
    after: event.after,
    changes: event.changes?.map((c) => ({ path: c.path, before: c.before ?? null, after: c.after ?? null })),
    metadata: event.metadata,
  };
}
