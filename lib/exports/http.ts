import type { SessionContext } from '@/lib/auth/session';
import { hasPermission } from '@/lib/auth/roles';

export type ExportErrorCode = 'unauthorized' | 'forbidden' | 'invalid_parameters' | 'pdf_too_large' | 'rate_limited';

/** An export refusal: JSON `{ error, message, issues?, request_id }`, never cached, tagged with the request id. */
export function exportError(status: number, error: ExportErrorCode, message: string, requestId: string, extra: { issues?: unknown[]; headers?: Record<string, string> } = {}): Response {
  const body = { error, message, ...(extra.issues ? { issues: extra.issues } : {}), request_id: requestId };
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', 'X-Request-Id': requestId, ...extra.headers } });
}

/** 401 without a session, 403 unless the current organization's role may read the audit log (owner, admin, auditor). */
export function authorizeExport(
  ctx: SessionContext | null,
  requestId: string,
): { ok: true; user: SessionContext['user']; org: NonNullable<SessionContext['org']> } | { ok: false; response: Response } {
  if (!ctx) return { ok: false, response: exportError(401, 'unauthorized', 'Sign in to export the audit log.', requestId) };
  if (!ctx.org || !hasPermission(ctx.org.role, 'audit:read')) {
    return { ok: false, response: exportError(403, 'forbidden', 'Your role in this organization may not read or export the audit log (owners, admins and auditors may).', requestId) };
  }
  return { ok: true, user: ctx.user, org: ctx.org };
}
