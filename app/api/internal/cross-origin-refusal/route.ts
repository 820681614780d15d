import { getDb } from '@/lib/boot/app-db';
import { getSessionContext } from '@/lib/auth/session';
import { handedOverRefusal } from '@/lib/auth/cross-origin';
import { getAuthSecret } from '@/lib/auth/secret';
import { recordCrossOriginRefusal } from '@/lib/auth/cross-origin-refusal';
import { apiError } from '@/lib/api/http';
import { requestContextFrom } from '@/lib/recording/request-context';

/**
 * POST, reached only through the proxy's rewrite of a cross-origin form or server-action POST: answers 403 and
 * records the refusal for the signed-in user in their current organization. It records only a refusal whose proof
 * (an HMAC the proxy made with the session secret) checks out; anything else sent here gets a 404.
 */
export async function POST(request: Request): Promise<Response> {
  const context = requestContextFrom(request.headers);
  // Only what the proxy handed over (checked by its HMAC proof) is recorded; the client's own headers never are.
  const mismatch = await handedOverRefusal(getAuthSecret(), request.headers, context.requestId);
  if (!mismatch) return new Response(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  const session = await getSessionContext();
  if (session?.org) await recordCrossOriginRefusal(await getDb(), { user: session.user, org: session.org, request: context }, request.headers, mismatch);
  return apiError(403, 'forbidden', 'Cross-origin form submissions are refused: the request’s Origin does not match this site.', context.requestId);
}
