'use server';

import { cookies, headers } from 'next/headers';
import { getDb } from '@/lib/boot/app-db';
import { requestContextFrom } from '@/lib/recording/request-context';
import { recordSessionEvent } from '@/lib/auth/sign-in';
import { redirect } from 'next/navigation';
import { signOut } from '@/lib/auth';
import { ORG_COOKIE, orgCookieOptions } from '@/lib/auth/org-cookie';
import { getSessionContext, requireSession } from '@/lib/auth/session';
import { getSettings } from '@/lib/settings';

/** Switches the current organization; only to one the user is a member of. */
export async function switchOrganizationAction(formData: FormData) {
  const ctx = await requireSession();
  const orgId = String(formData.get('orgId') ?? '');
  const target = ctx.orgs.find((o) => o.orgId === orgId);
  if (!target) redirect('/audit'); // not a member: nothing changes
  (await cookies()).set(ORG_COOKIE, target.orgId, orgCookieOptions(getSettings().secureCookies));
  redirect('/audit');
}

export async function signOutAction() {
  const ctx = await getSessionContext();
  if (ctx) {
    const request = requestContextFrom(await headers());
    await recordSessionEvent(await getDb(), ctx.user, request, { action: 'logout', message: 'Signed out' });
  }
  await signOut({ redirectTo: '/login' });
}
