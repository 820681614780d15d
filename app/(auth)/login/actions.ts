'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { LockedSignin, signIn } from '@/lib/auth';
import { safeCallbackPath } from '@/lib/auth/callback-url';

export type SignInState = { error?: string; email?: string };

/** Signs in with email + password and returns to the page the user originally asked for. */
export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get('email') ?? '').trim();
  const password = String(formData.get('password') ?? '');
  if (!email || !password) return { error: 'Enter your email and password.', email };
  const redirectTo = safeCallbackPath(formData.get('callbackUrl'));
  try {
    await signIn('credentials', { email, password, redirectTo });
  } catch (error) {
    // The messages must not reveal whether the email has an account: unknown emails are locked and slowed alike.
    if (error instanceof LockedSignin) {
      const minutes = Math.max(1, Math.ceil((error.until.getTime() - Date.now()) / 60_000));
      return { error: `Too many failed sign-ins for this email. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, email };
    }
    if (error instanceof CredentialsSignin && error.code === 'slowed') {
      return { error: 'Invalid email or password. After many failed sign-ins from your network, each new attempt takes longer.', email };
    }
    if (error instanceof AuthError) return { error: 'Invalid email or password.', email };
    throw error; // the success redirect is thrown too and must propagate
  }
  return {};
}
