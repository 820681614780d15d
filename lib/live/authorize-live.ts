import { apiError } from '@/lib/api/http';
import type { SessionContext } from '@/lib/auth/session';
import { hasPermission } from '@/lib/auth/roles';

/** 401 without a live session, 403 unless the current organization's role may read the audit log (owner, admin, auditor). */
export function authorizeLive(
  ctx: SessionContext | null,
  requestId: string,
): { ok: true; ctx: SessionContext; org: NonNullable<SessionContext['org']> } | { ok: false; response: Response } {
  if (!ctx) return { ok: false, response: apiError(401, 'unauthorized', 'Sign in to follow the audit log live.', requestId) };
  if (!ctx.org || !hasPermission(ctx.org.role, 'audit:read')) {
    return {
      ok: false,
      response: apiError(403, 'forbidden', 'Your role in this organization may not read the audit log (owners, admins and auditors may).', requestId),
    };
  }
  return { ok: true, ctx, org: ctx.org };
}
