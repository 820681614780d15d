import type { NextAuthConfig } from 'next-auth';
import { getSettings } from '@/lib/settings';
import { getAuthSecret } from './secret';
import { SESSION_MAX_AGE_SECONDS } from './session-lifetime';

/**
 * The part of the next-auth configuration that needs no database: shared by the proxy (which only
 * reads the session cookie) and by the full configuration in ./index.ts.
 */
export function baseAuthConfig(): NextAuthConfig {
  return {
    secret: getAuthSecret(),
    // Behind the deployer's own host; callback targets are still checked by safeCallbackPath.
    trustHost: getSettings().authTrustHost,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/login' },
    providers: [],
    logger: {
      // A wrong password is an expected outcome (recorded as login_failed), not a server error with a stack.
      error(error) {
        if (error.name === 'CredentialsSignin' || (error as { type?: string }).type === 'CredentialsSignin') return;
        console.error('[auth]', error);
      },
    },
    callbacks: {
      // `user` is set only at sign-in: the session row it started rides in the signed cookie from then on.
      jwt({ token, user }) {
        if (user?.id) {
          token.sub = user.id;
          token.sid = user.sessionId;
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub && session.user) session.user.id = token.sub;
        session.sessionId = token.sid;
        return session;
      },
    },
  };
}
