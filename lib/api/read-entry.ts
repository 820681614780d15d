import type { ApiKeyPrincipal } from '@/lib/auth/api-keys';
import { apiKeyActor } from '@/lib/ingest/to-audit-entry';
import type { AuditEntry } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';

/**
 * A read of audit data by an API key, as its audit entry (PCI DSS 10.2.1.3: access to audit trails is logged).
 * Tenancy: recorded in the key's organization.
 */
export function apiReadEntry(
  key: ApiKeyPrincipal,
  request: RequestContext,
  object: { type: string; label: string },
  what: Pick<AuditEntry, 'message' | 'metadata' | 'result' | 'errorMessage'>,
): AuditEntry {
  return {
    orgId: key.orgId,
    actor: apiKeyActor(key),
    source: 'api',
    ip: request.ip,
    userAgent: request.userAgent,
    requestId: request.requestId,
    action: 'read',
    objectType: object.type,
    objectLabel: object.label,
    ...what,
  };
}
