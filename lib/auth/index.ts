import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db';
import { baseAuthConfig } from './config';
import { verifyCredentials } from './credentials';

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...baseAuthConfig(),
  providers: [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        const user = await verifyCredentials(await getDb(), credentials);
        if (!user) throw new CredentialsSignin();
        return user;
      },
    }),
  ],
}));
