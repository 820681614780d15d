import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { memberships, organizations, users } from '@/db/schema';
import type { Role } from '@/db/vocabulary/roles';

export async function getUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ?? null;
}

export async function getUserById(db: DbOrTx, id: string) {
  const [row] = await db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, id));
  return row ?? null;
}

export type MembershipWithOrg = { orgId: string; slug: string; name: string; timeZone: string; role: Role };

/** Every organization the user belongs to, by name. The only source of truth for "may see org X". */
export async function listMembershipsForUser(db: DbOrTx, userId: string): Promise<MembershipWithOrg[]> {
  return db
    .select({ orgId: organizations.id, slug: organizations.slug, name: organizations.name, timeZone: organizations.timeZone, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}

/** Members of one organization with their roles. Tenancy: scoped by `orgId`. */
export async function listMembers(db: DbOrTx, orgId: string) {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.email));
}

/** One organization's settings. Tenancy: by its own id. */
export async function getOrganization(db: DbOrTx, orgId: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  return row ?? null;
}
