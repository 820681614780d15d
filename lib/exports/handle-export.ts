import type { Db } from '@/db/client';
import { apiError } from '@/lib/api/http';
import { countAuditEvents } from '@/db/queries/audit-events';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import type { MembershipWithOrg } from '@/db/queries/tenancy';
import { requestContextFrom } from '@/lib/recording/request-context';
import type { ParamIssue } from '@/lib/view/search-params';
import { readViewState } from '@/lib/view/view-state';
import { createExportStream, type ExportRequest } from './export-stream';
import { EXPORT_FORMATS, IGNORED_VIEW_PARAMS, isExportFormat } from './formats';
import { PDF_ROW_CAP } from './limits';
import { recordExport } from './record-export';
import { reportNameFor } from './report-name';
import { RATE_RULES, takeRate, type RateRule } from '@/lib/rate-limits';

export type ExportPrincipal = {
  user: { id: string; email: string };
  /** The session's current organization, already checked for audit:read: the only tenant an export can read. */
  org: Pick<MembershipWithOrg, 'orgId' | 'slug' | 'name'>;
  /** The viewer's zone (browser cookie, else the organization's). */
  zone: string;
};

/**
 * GET /audit/export after authentication: 400 for a bad format or any view parameter issue (never a
 * silently different filter), 413 for a PDF over the cap (counted before any rendering), 429 over the
 * per-user rate limit, else 200 streaming the file as an attachment. Tenancy: `principal.org` only.
 */
export async function handleExportRequest(
  db: Db,
  request: Request,
  principal: ExportPrincipal,
  deps: { rateRule?: RateRule; now?: Date; batchSize?: number; onBatch?: ExportRequest['onBatch'] } = {},
): Promise<Response> {
  const context = requestContextFrom(request.headers);
  const id = context.requestId;
  const params = new URL(request.url).searchParams;
  const issues: ParamIssue[] = [];
  const formats = params.getAll('format');
  const format = formats[0] ?? null;
  if (!isExportFormat(format) || formats.length > 1) {
    issues.push({ param: 'format', message: `"format" must be given once, as one of ${EXPORT_FORMATS.join(', ')}.` });
  }
  const view = new URLSearchParams(params);
  for (const key of [...IGNORED_VIEW_PARAMS, 'format']) view.delete(key);
  const { state, issues: viewIssues } = readViewState(view, principal.zone);
  issues.push(...viewIssues);
  if (issues.length > 0 || !isExportFormat(format)) {
    return apiError(400, 'invalid_parameters', `Nothing was exported: ${issues.map((i) => i.message).join(' ')}`, id, { errors: issues });
  }

  const now = deps.now ?? new Date();
  if (format === 'pdf') {
    // Counted (and capped) before any rendering work: an oversized PDF costs one bounded count query.
    const { count, exact } = await countAuditEvents(db, principal.org.orgId, resolveQueryFilters(state.filters, now, principal.zone), PDF_ROW_CAP);
    if (!exact || count > PDF_ROW_CAP) {
      return apiError(
        413,
        'pdf_too_large',
        `This view has more than ${PDF_ROW_CAP.toLocaleString('en-US')} events, the most a PDF can hold. Narrow the time range or filters, or export CSV or Excel, which have no limit.`,
        id,
      );
    }
  }

  // Counted in the database, so several app instances share one limit per user.
  const rule = deps.rateRule ?? RATE_RULES.exports;
  const limit = await takeRate(db, rule, principal.user.id, now);
  if (!limit.ok) {
    const minutes = rule.windowMs / 60_000;
    // The refusal is recorded once per window (later refusals in it are not stored one by one).
    if (limit.firstRefusal) {
      await recordExport(db, {
        orgId: principal.org.orgId,
        user: principal.user,
        request: context,
        format,
        filters: view.toString(),
        rowCount: 0,
        outcome: { ok: false, reason: `Rate limited: more than ${rule.max} exports in ${minutes} minutes` },
      });
    }
    return apiError(
      429,
      'rate_limited',
      `You can start ${rule.max} exports per ${minutes} minutes. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minute(s).`,
      id,
      {
        headers: { 'Retry-After': String(limit.retryAfterSeconds) },
      },
    );
  }

  const reportName = await reportNameFor(db, principal.org.orgId, principal.user.id, state);
  const { stream, filename, contentType } = createExportStream(db, {
    reportName,
    orgId: principal.org.orgId,
    orgSlug: principal.org.slug,
    orgName: principal.org.name,
    user: principal.user,
    zone: principal.zone,
    state,
    format,
    now,
    signal: request.signal,
    request: context,
    batchSize: deps.batchSize,
    onBatch: deps.onBatch,
  });
  return new Response(stream, {
    status: 200,
    headers: {
      'Content-Type': contentType,
      'Content-Disposition': `attachment; filename="${filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': id,
    },
  });
}
