import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/lib/boot/app-db';
import { requestContextFrom } from '@/lib/recording/request-context';
import { baseAuthConfig } from './config';
import { signInWithPassword } from './sign-in';

/** Too many failed attempts for this email: the sign-in form says so, and for how long, instead of "invalid". */
export class LockedSignin extends CredentialsSignin {
  code = 'locked';
  constructor(readonly until: Date) {
    super();
  }
}

/** Wrong email or password, and this address is now slowed down: the form says both. */
export class SlowedSignin extends CredentialsSignin {
  code = 'slowed';
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...baseAuthConfig(),
  providers: [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      // A success starts a session row; its id rides in the signed cookie (the jwt callback) and is checked on every request.
      async authorize(credentials, request) {
        const outcome = await signInWithPassword(await getDb(), credentials, requestContextFrom(request.headers));
        if (outcome.ok) return { ...outcome.user, sessionId: outcome.sessionId };
        if (outcome.reason === 'locked') throw new LockedSignin(outcome.until);
        throw outcome.slowed ? new SlowedSignin() : new CredentialsSignin();
      },
    }),
  ],
}));
