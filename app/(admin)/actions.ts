'use server';

import { cookies, headers } from 'next/headers';
import { getDb } from '@/lib/boot/app-db';
import { requestContextFrom } from '@/lib/recording/request-context';
import { recordSessionEvent } from '@/lib/auth/sign-in';
import { redirect } from 'next/navigation';
import { signOut } from '@/lib/auth';
import { ORG_COOKIE, orgCookieOptions } from '@/lib/auth/org-cookie';
import { getSessionContext, requireSession } from '@/lib/auth/session';
import { endUserSession } from '@/lib/auth/user-sessions';
import { getSettings } from '@/lib/settings';
import { pathAfterOrgSwitch } from '@/lib/view/org-switch';

/** Switches the current organization; only to one the user is a member of. */
export async function switchOrganizationAction(formData: FormData) {
  const ctx = await requireSession();
  const orgId = String(formData.get('orgId') ?? '');
  const target = ctx.orgs.find((o) => o.orgId === orgId);
  if (!target) redirect('/audit'); // not a member: nothing changes
  (await cookies()).set(ORG_COOKIE, target.orgId, orgCookieOptions(getSettings().secureCookies));
  // Straight to the same page and view when the new role may open it (one render, no hop through '/'),
  // else to the role's home (a member of the new organization lands on their account).
  redirect(pathAfterOrgSwitch(String(formData.get('returnTo') ?? ''), target.role));
}

/** Signs this browser out: its session row ends first, so a copy of the cookie stops working too. */
export async function signOutAction() {
  const ctx = await getSessionContext();
  if (ctx) {
    const db = await getDb();
    await endUserSession(db, ctx.user.id, ctx.sessionId);
    await recordSessionEvent(db, ctx.user, requestContextFrom(await headers()), { action: 'logout', message: 'Signed out' });
  }
  await signOut({ redirectTo: '/login' });
}
