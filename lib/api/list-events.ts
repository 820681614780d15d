import type { Db } from '@/db/client';
import { listAuditEvents, type AuditListRow } from '@/db/queries/audit-events';
import { encodeCursor } from '@/lib/view/cursor';
import { recordAuditEvent } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import type { ParamIssue } from '@/lib/view/search-params';
import { readViewState } from '@/lib/view/view-state';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import type { ApiKeyPrincipal } from '@/lib/auth/api-keys';
import { apiReadEntry } from '@/lib/api/read-entry';

/** One event as the API returns it (snake_case, the same nesting as the ingest format). */
export type ApiEvent = {
  id: string;
  occurred_at: string;
  actor: { type: string; id: string | null; label: string };
  source: string;
  ip: string | null;
  action: string;
  object: { type: string; id: string | null; label: string | null };
  message: string;
  result: string;
};

export type ApiEventPage = { data: ApiEvent[]; next_cursor: string | null; request_id: string };

/** The list row in the API's public shape: nested actor/object, ISO 8601 UTC times. */
export function toApiEvent(row: AuditListRow): ApiEvent {
  return {
    id: row.id,
    occurred_at: row.occurredAt.toISOString(),
    actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
    source: row.source,
    ip: row.ip,
    action: row.action,
    object: { type: row.objectType, id: row.objectId, label: row.objectLabel },
    message: row.message,
    result: row.result,
  };
}

/**
 * One page of the key's organization's events, newest first. The read itself is recorded in the same
 * transaction (PCI DSS 10.2.1.3: access to audit trails is logged), so no page is served unrecorded.
 * Tenancy: key.orgId only. Unknown or malformed parameters are returned as issues, never ignored.
 */
export async function listEventsForApiKey(
  db: Db,
  key: ApiKeyPrincipal,
  request: RequestContext,
  params: URLSearchParams,
): Promise<{ ok: true; page: ApiEventPage } | { ok: false; issues: ParamIssue[] }> {
  // The API speaks UTC: "today" and date-only bounds are UTC days.
  const { state, issues } = readViewState(params, 'UTC');
  if (issues.length > 0) return { ok: false, issues };
  // Machines page through everything: without range/from/to the API means all time, not the viewer's 24 hours.
  if (!params.has('range') && !params.has('from') && !params.has('to')) state.filters.range = { from: null, to: null };
  const filters = resolveQueryFilters(state.filters, new Date(), 'UTC');
  return db.transaction(async (tx) => {
    const { rows, next } = await listAuditEvents(tx, {
      orgId: key.orgId,
      filters,
      sort: state.sort,
      limit: state.size,
      after: state.after,
      before: state.before,
    });
    await recordAuditEvent(
      tx,
      apiReadEntry(
        key,
        request,
        { type: 'audit_log', label: 'Audit log' },
        {
          message: `Listed ${rows.length} audit event${rows.length === 1 ? '' : 's'} through the API`,
          metadata: { query: Object.fromEntries(params.entries()), row_count: rows.length },
        },
      ),
    );
    const page = { data: rows.map(toApiEvent), next_cursor: next ? encodeCursor(next) : null, request_id: request.requestId };
    return { ok: true as const, page };
  });
}
