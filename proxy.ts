import NextAuth from 'next-auth';
import { NextResponse, type NextRequest } from 'next/server';
import { baseAuthConfig } from '@/lib/auth/config';
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

/** Pages: a signed-out visitor goes to sign-in with the exact URL (path and search params) to come back to. */
const pageHandler = auth((req) => {
  const requestId = uuidv7();
  if (!req.auth && !isPublic(req.nextUrl.pathname)) {
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
 * Runs before every page and API route: gives the request an id (echoed as X-Request-Id for support).
 * Pages still check the session and role themselves; this is the friendly redirect, not the guard.
 * API routes authenticate themselves (API keys) and answer 401 rather than redirecting.
 */
export async function proxy(...args: Parameters<Handler>) {
  const [req] = args;
  if (req.nextUrl.pathname.startsWith('/api/')) return forward(req, uuidv7());
  return (await pages)(...args);
}

export const config = {
  // next-auth's own routes and static assets need neither a request id nor a session check.
  matcher: ['/((?!api/auth/|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
