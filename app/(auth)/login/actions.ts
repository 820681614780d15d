'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { signIn } from '@/lib/auth';
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
    // One message for every credential failure: it must not reveal whether the email has an account.
    if (error instanceof CredentialsSignin && error.code === 'locked') {
      return { error: 'Too many failed sign-ins. Wait 15 minutes and try again.', email };
    }
    if (error instanceof AuthError) return { error: 'Invalid email or password.', email };
    throw error; // the success redirect is thrown too and must propagate
  }
  return {};
}
