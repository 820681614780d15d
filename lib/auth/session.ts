import 'server-only';
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { getDb } from '@/lib/boot/app-db';
import { listMembershipsForUser, type MembershipWithOrg } from '@/db/queries/tenancy';
import { auth } from './index';
import { hasPermission, type Permission } from './roles';
import { ORG_COOKIE } from './org-cookie';
import { REQUEST_URL_HEADER } from './session-headers';
import { liveSessionUser } from './user-sessions';

export type SessionContext = {
  user: { id: string; email: string; name: string };
  orgs: MembershipWithOrg[];
  /** The organization this request acts in, re-checked against memberships on every request. */
  org: MembershipWithOrg | null;
  /** The live user_sessions row behind this request's cookie (sign-out ends it). */
  sessionId: string;
};

/**
 * The signed-in user and their current organization, or null. Cached per request. A signed cookie is not enough:
 * its session row must be live (not signed out, not ended by a password change, removal or "sign out everywhere"),
 * and a cookie without a session id (issued before sessions were revocable) counts as signed out.
 */
export const getSessionContext = cache(async (): Promise<SessionContext | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  const sessionId = session?.sessionId;
  if (!userId || !sessionId) return null;
  const db = await getDb();
  const user = await liveSessionUser(db, sessionId, userId);
  if (!user) return null;
  const orgs = await listMembershipsForUser(db, user.id);
  const chosen = (await cookies()).get(ORG_COOKIE)?.value;
  const org = orgs.find((o) => o.orgId === chosen) ?? orgs[0] ?? null;
  return { user, orgs, org, sessionId };
});

async function loginRedirect(): Promise<never> {
  const back = (await headers()).get(REQUEST_URL_HEADER) ?? '/audit';
  redirect(`/login?callbackUrl=${encodeURIComponent(back)}`);
}

/** Requires a signed-in user (redirecting to sign-in, then back to this very URL). */
export async function requireSession(): Promise<SessionContext> {
  return (await getSessionContext()) ?? loginRedirect();
}

/**
 * Requires a signed-in member of an organization whose role grants `permission`; otherwise a 403.
 * Every page and action that reads or changes tenant data starts here.
 */
export async function requirePermission(permission: Permission) {
  const ctx = await requireSession();
  if (!ctx.org || !hasPermission(ctx.org.role, permission)) forbidden();
  return { user: ctx.user, org: ctx.org, orgs: ctx.orgs };
}
