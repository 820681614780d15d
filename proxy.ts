import NextAuth from 'next-auth';
import { NextResponse, type NextRequest } from 'next/server';
import { baseAuthConfig } from '@/lib/auth/config';
import {
  CROSS_ORIGIN_REFUSAL_PATH,
  handedOverRefusal,
  isPageFormPost,
  originMismatch,
  REFUSAL_PROOF_HEADER,
  REFUSED_ACTION_HEADER,
  REFUSED_HOST_HEADER,
  REFUSED_ORIGIN_HEADER,
  REFUSED_PATH_HEADER,
  refusalProof,
  type CrossOriginMismatch,
} from '@/lib/auth/cross-origin';
import { getAuthSecret } from '@/lib/auth/secret';
import { REQUEST_ID_HEADER, REQUEST_URL_HEADER } from '@/lib/auth/session-headers';
import { uuidv7 } from '@/lib/ids';
import { contentSecurityPolicy, newNonce, STATIC_SECURITY_HEADERS } from '@/lib/security-headers';

const { auth } = NextAuth(() => baseAuthConfig());

const PUBLIC_PATHS = ['/login'];
// Invitation links work signed out too: a new person creates their account there.
const isPublic = (path: string) => PUBLIC_PATHS.includes(path) || path.startsWith('/invite/');

/** Passes the request on with its id (always ours: a client-chosen one could impersonate another request). */
function forward(req: NextRequest, requestId: string) {
  const headers = new Headers(req.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set(REQUEST_URL_HEADER, req.nextUrl.pathname + req.nextUrl.search);
  // Next.js takes the nonce for its own inline scripts from the request's policy header.
  const csp = contentSecurityPolicy(newNonce(), process.env.NODE_ENV === 'development');
  headers.set('Content-Security-Policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set(REQUEST_ID_HEADER, requestId);
  return withSecurityHeaders(res, csp);
}

function withSecurityHeaders(res: NextResponse, csp: string) {
  res.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) res.headers.set(name, value);
  return res;
}

/**
 * A cross-origin form or server-action POST: answered 403 by the refusal route (which records it for the signed-in
 * user) instead of Next's 500. The path and whether it was an action are stated here, overwriting anything the client sent.
 */
async function refuseCrossOrigin(req: NextRequest, mismatch: CrossOriginMismatch) {
  const requestId = uuidv7();
  const headers = new Headers(req.headers);
  headers.delete('next-action'); // the refusal route is not an action
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set(REFUSED_PATH_HEADER, req.nextUrl.pathname);
  headers.set(REFUSED_ACTION_HEADER, req.headers.has('next-action') ? '1' : '0');
  headers.set(REFUSED_ORIGIN_HEADER, mismatch.origin);
  headers.set(REFUSED_HOST_HEADER, mismatch.host ?? '');
  const proof = { requestId, origin: mismatch.origin, host: mismatch.host ?? '', path: req.nextUrl.pathname };
  headers.set(REFUSAL_PROOF_HEADER, await refusalProof(getAuthSecret(), proof));
  const res = NextResponse.rewrite(new URL(CROSS_ORIGIN_REFUSAL_PATH, req.url), { request: { headers } });
  res.headers.set(REQUEST_ID_HEADER, requestId);
  return withSecurityHeaders(res, contentSecurityPolicy(newNonce(), false));
}

/** The refusal route is reached by the rewrite above only: sent there directly, nothing is recorded. */
function notFound() {
  const res = new NextResponse(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  return withSecurityHeaders(res, contentSecurityPolicy(newNonce(), false));
}

/**
 * Pages: a signed-out visitor goes to sign-in with the exact URL (path and search params) to come back to. A cookie
 * without a session id (issued before sessions were revocable) counts as signed out; whether its session is still live
 * is checked by the page itself (getSessionContext), which needs the database.
 */
const pageHandler = auth((req) => {
  const requestId = uuidv7();
  if (!req.auth?.sessionId && !isPublic(req.nextUrl.pathname)) {
    const login = new URL('/login', req.nextUrl);
    login.searchParams.set('callbackUrl', req.nextUrl.pathname + req.nextUrl.search);
    const res = NextResponse.redirect(login);
    res.headers.set(REQUEST_ID_HEADER, requestId);
    return withSecurityHeaders(res, contentSecurityPolicy(newNonce(), false));
  }
  return forward(req, requestId);
});
type Handler = typeof pageHandler;
// With a lazy config next-auth hands back a promise of the wrapped handler (its types say otherwise).
const pages = Promise.resolve(pageHandler as Handler | Promise<Handler>);

/**
 * Runs before every page and API route: gives the request an id (echoed as X-Request-Id for support), and refuses
 * cross-origin form and server-action POSTs to pages with a 403 before Next handles them.
 * Pages still check the session and role themselves; this is the friendly redirect, not the guard.
 * API routes authenticate themselves (API keys) and answer 401 rather than redirecting.
 */
export async function proxy(...args: Parameters<Handler>) {
  const [req] = args;
  const path = req.nextUrl.pathname;
  const mismatch = !path.startsWith('/api/') && isPageFormPost(req.method, req.headers) ? originMismatch(req.headers) : null;
  if (mismatch) return refuseCrossOrigin(req, mismatch);
  if (path.replace(/\/+$/, '') === CROSS_ORIGIN_REFUSAL_PATH) {
    // Only a refusal this proxy handed over (its proof checks out) reaches the route; anything else is a 404.
    const handed = await handedOverRefusal(getAuthSecret(), req.headers, req.headers.get(REQUEST_ID_HEADER) ?? '');
    return handed ? NextResponse.next() : notFound();
  }
  if (path.startsWith('/api/')) return forward(req, uuidv7());
  return (await pages)(...args);
}

export const config = {
  // next-auth's own routes and static assets need neither a request id nor a session check.
  matcher: ['/((?!api/auth/|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
