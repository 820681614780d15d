import type { DbOrTx } from '@/db/client';
import { recordAuditEvent } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import { FORMAT_INFO, type ExportFormat } from './formats';

export type ExportOutcome = { ok: true } | { ok: false; reason: string };

/**
 * Records one export (`export` on `audit_log`, by the user, source web) with `{ format, filters, row_count }`.
 * Tenancy: written to `orgId`, the organization that was exported.
 */
export async function recordExport(
  db: DbOrTx,
  e: {
    orgId: string;
    user: { id: string; email: string };
    request: RequestContext;
    format: ExportFormat;
    filters: string;
    rowCount: number;
    outcome: ExportOutcome;
  },
): Promise<void> {
  const n = `${e.rowCount.toLocaleString('en-US')} audit event${e.rowCount === 1 ? '' : 's'}`;
  const label = FORMAT_INFO[e.format].label;
  await recordAuditEvent(db, {
    orgId: e.orgId,
    actor: { type: 'user', id: e.user.id, label: e.user.email },
    source: 'web',
    ip: e.request.ip,
    userAgent: e.request.userAgent,
    requestId: e.request.requestId,
    action: 'export',
    objectType: 'audit_log',
    objectLabel: 'Audit log',
    module: 'Audit',
    message: e.outcome.ok ? `Exported ${n} as ${label}` : `Export as ${label} stopped after ${n}`,
    result: e.outcome.ok ? 'success' : 'failure',
    errorMessage: e.outcome.ok ? null : e.outcome.reason,
    metadata: { format: e.format, filters: e.filters, row_count: e.rowCount },
  });
}
