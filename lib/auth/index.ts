import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/lib/boot/app-db';
import { requestContextFrom } from '@/lib/recording/request-context';
import { baseAuthConfig } from './config';
import { signInWithPassword } from './sign-in';

/** Too many failed attempts: the sign-in form says so instead of "invalid email or password". */
export class LockedSignin extends CredentialsSignin {
  code = 'locked';
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...baseAuthConfig(),
  providers: [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, request) {
        const outcome = await signInWithPassword(await getDb(), credentials, requestContextFrom(request.headers));
        if (outcome.ok) return outcome.user;
        throw outcome.reason === 'locked' ? new LockedSignin() : new CredentialsSignin();
      },
    }),
  ],
}));
