import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { invitations } from '@/db/schema/invitations';
import { memberships, organizations, users } from '@/db/schema/tenancy';
import type { Role } from '@/db/vocabulary/roles';

export type InvitationRow = typeof invitations.$inferSelect;

const pending = (now: Date) => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));

/** Stores an invitation of `email` into `orgId`, revoking that email's earlier pending ones in the same org. */
export async function createInvitation(
  tx: DbOrTx,
  row: { orgId: string; email: string; role: Role; tokenHash: string; invitedBy: string; expiresAt: Date },
  now: Date,
): Promise<InvitationRow> {
  await tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.orgId, row.orgId), eq(invitations.email, row.email), pending(now)));
  const [created] = await tx.insert(invitations).values(row).returning();
  return created!;
}

/** The pending invitation a link's secret names (with its organization's name), or null when used, revoked or expired. */
export async function getPendingInvitationByToken(db: DbOrTx, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ invitation: invitations, orgName: organizations.name, orgSlug: organizations.slug })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(and(eq(invitations.tokenHash, tokenHash), pending(now)));
  return row ?? null;
}

/** Marks invitation `id` accepted if it is still pending; single use even under concurrent accepts (null otherwise). */
export async function claimInvitation(tx: DbOrTx, id: string, now: Date): Promise<InvitationRow | null> {
  const [row] = await tx
    .update(invitations)
    .set({ acceptedAt: now })
    .where(and(eq(invitations.id, id), pending(now)))
    .returning();
  return row ?? null;
}

/** Pending invitations of `orgId`, newest first. Tenancy: only that organization's. */
export async function listPendingInvitations(db: DbOrTx, orgId: string, now: Date): Promise<InvitationRow[]> {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), pending(now)))
    .orderBy(desc(invitations.createdAt))
    .limit(200);
}

/** Revokes a pending invitation of `orgId`; null when there is none with that id in that organization. */
export async function revokeInvitation(tx: DbOrTx, orgId: string, id: string, now: Date): Promise<InvitationRow | null> {
  const [row] = await tx
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.orgId, orgId), eq(invitations.id, id), pending(now)))
    .returning();
  return row ?? null;
}

/** The member of `orgId` with `email`, if any. Tenancy: scoped by `orgId`. */
export async function findMemberByEmail(db: DbOrTx, orgId: string, email: string): Promise<{ userId: string } | null> {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(users.email, email)));
  return row ?? null;
}
