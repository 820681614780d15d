import { getDb } from '@/lib/boot/app-db';
import { getSessionContext } from '@/lib/auth/session';
import { originMismatch } from '@/lib/auth/cross-origin';
import { recordCrossOriginRefusal } from '@/lib/auth/cross-origin-refusal';
import { apiError } from '@/lib/api/http';
import { requestContextFrom } from '@/lib/recording/request-context';

/**
 * POST, reached only through the proxy's rewrite of a cross-origin form or server-action POST: answers 403 and
 * records the refusal for the signed-in user in their current organization. It re-checks the Origin itself, so it
 * records only a request that really was cross-origin (the proxy answers 404 to anything else sent here).
 */
export async function POST(request: Request): Promise<Response> {
  const context = requestContextFrom(request.headers);
  const mismatch = originMismatch(request.headers);
  if (!mismatch) return new Response(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  const session = await getSessionContext();
  if (session?.org) await recordCrossOriginRefusal(await getDb(), { user: session.user, org: session.org, request: context }, request.headers, mismatch);
  return apiError(403, 'forbidden', 'Cross-origin form submissions are refused: the request’s Origin does not match this site.', context.requestId);
}
