import type { DbOrTx } from '@/db/client';
import { listMembershipsForUser } from '@/db/queries/tenancy';
import { hasPermission } from '@/lib/auth/roles';
import { liveSessionUser } from '@/lib/auth/user-sessions';

/**
 * Whether an open stream may go on: the session is still live (not signed out, revoked or expired) and the person
 * still has a role in the organization that may read the audit log. Checked at every heartbeat, so a revoked session
 * or a removed member stops receiving within one heartbeat.
 */
export async function streamStillAllowed(db: DbOrTx, who: { userId: string; sessionId: string; orgId: string }): Promise<boolean> {
  const user = await liveSessionUser(db, who.sessionId, who.userId);
  if (!user) return false;
  const membership = (await listMembershipsForUser(db, who.userId)).find((m) => m.orgId === who.orgId);
  return Boolean(membership && hasPermission(membership.role, 'audit:read'));
}
