'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/lib/boot/app-db';
import { signIn } from '@/lib/auth';
import { ORG_COOKIE, orgCookieOptions } from '@/lib/auth/org-cookie';
import { getSettings } from '@/lib/settings';
import { getSessionContext } from '@/lib/auth/session';
import { acceptInvitation, newAccountSchema } from '@/lib/operations/accept-invitation';
import { requestContextFrom } from '@/lib/recording/request-context';

export type AcceptState = { error?: string; fieldErrors?: Record<string, string[]> };

/** Accepts as the signed-in account (which must be the invited email), then opens the organization's log. */
export async function acceptAsSignedInAction(_prev: AcceptState, form: FormData): Promise<AcceptState> {
  const ctx = await getSessionContext();
  if (!ctx) return { error: 'Your session has ended. Sign in again.' };
  const result = await acceptInvitation(
    await getDb(),
    String(form.get('token') ?? ''),
    { kind: 'signed-in', user: ctx.user },
    requestContextFrom(await headers()),
  );
  if (!result.ok) return { error: result.error };
  (await cookies()).set(ORG_COOKIE, result.orgId, orgCookieOptions(getSettings().secureCookies));
  redirect('/audit');
}

/** Creates the invited account with the password its owner chose, accepts, and signs in. */
export async function createAccountAction(_prev: AcceptState, form: FormData): Promise<AcceptState> {
  const parsed = newAccountSchema.safeParse({ name: form.get('name'), password: form.get('password'), confirmPassword: form.get('confirmPassword') });
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error) as { fieldErrors: Record<string, string[]> };
    return { error: 'Check the highlighted fields.', fieldErrors };
  }
  const result = await acceptInvitation(
    await getDb(),
    String(form.get('token') ?? ''),
    { kind: 'new-account', input: parsed.data },
    requestContextFrom(await headers()),
  );
  if (!result.ok) return { error: result.error };
  (await cookies()).set(ORG_COOKIE, result.orgId, orgCookieOptions(getSettings().secureCookies));
  await signIn('credentials', { email: result.email, password: parsed.data.password, redirectTo: '/audit' });
  return {};
}
