import { getDb } from '@/lib/boot/app-db';
import { requestContextFrom } from '@/lib/recording/request-context';
import { getSessionContext } from '@/lib/auth/session';
import { handleExportRequest } from '@/lib/exports/handle-export';
import { authorizeExport } from '@/lib/exports/authorize-export';
import { getBrowserTimeZone } from '@/lib/format/viewer-time-zone';

/**
 * GET /audit/export?format=csv|xlsx|pdf|jsonl&<the view's params>: the current view as a download.
 * 401/403 are answered here as JSON (requirePermission's forbidden() renders a page, not a JSON 403);
 * the organization comes from the session only.
 */
export async function GET(request: Request): Promise<Response> {
  const auth = authorizeExport(await getSessionContext(), requestContextFrom(request.headers).requestId);
  if (!auth.ok) return auth.response;
  const zone = (await getBrowserTimeZone()) ?? auth.org.timeZone;
  return handleExportRequest(await getDb(), request, { user: auth.user, org: auth.org, zone });
}
