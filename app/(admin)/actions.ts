'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { signOut } from '@/lib/auth';
import { ORG_COOKIE, requireSession } from '@/lib/auth/session';

/** Switches the current organization; only to one the user is a member of. */
export async function switchOrganizationAction(formData: FormData) {
  const ctx = await requireSession();
  const orgId = String(formData.get('orgId') ?? '');
  const target = ctx.orgs.find((o) => o.orgId === orgId);
  if (!target) redirect('/audit'); // not a member: nothing changes
  (await cookies()).set(ORG_COOKIE, target.orgId, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: process.env.NODE_ENV === 'production' && process.env.AUTH_URL?.startsWith('https:') === true,
    maxAge: 60 * 60 * 24 * 365,
  });
  redirect('/audit');
}

export async function signOutAction() {
  await signOut({ redirectTo: '/login' });
}
