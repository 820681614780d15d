import NextAuth from 'next-auth';
import { NextResponse } from 'next/server';
import { baseAuthConfig } from '@/lib/auth/config';
import { REQUEST_URL_HEADER } from '@/lib/auth/session-headers';
import { uuidv7 } from '@/lib/ids';

const { auth } = NextAuth(() => baseAuthConfig());

const PUBLIC_PATHS = ['/login'];

/**
 * Runs before every page and API route: gives the request an id (echoed as X-Request-Id for support), and sends a
 * signed-out visitor to sign-in with the exact URL (path and search params) to come back to.
 * Pages still check the session and role themselves; this is the friendly redirect, not the guard.
 */
const wrapped = auth((req) => {
  // Always our own id: a client-chosen one could collide with or impersonate another request's.
  const requestId = uuidv7();
  const url = req.nextUrl;
  const target = url.pathname + url.search;
  // API routes authenticate themselves (API keys) and answer 401 rather than redirecting.
  if (!req.auth && !PUBLIC_PATHS.includes(url.pathname) && !url.pathname.startsWith('/api/')) {
    const login = new URL('/login', url);
    login.searchParams.set('callbackUrl', target);
    const res = NextResponse.redirect(login);
    res.headers.set('x-request-id', requestId);
    return res;
  }
  const forwarded = new Headers(req.headers);
  forwarded.set('x-request-id', requestId);
  forwarded.set(REQUEST_URL_HEADER, target);
  const res = NextResponse.next({ request: { headers: forwarded } });
  res.headers.set('x-request-id', requestId);
  return res;
});

type Handler = typeof wrapped;
// With a lazy config next-auth hands back a promise of the wrapped handler (its types say otherwise).
const handler = Promise.resolve(wrapped as Handler | Promise<Handler>);

export async function proxy(...args: Parameters<Handler>) {
  return (await handler)(...args);
}

export const config = {
  // next-auth's own routes and static assets need neither a request id nor a session check.
  matcher: ['/((?!api/auth/|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
