import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/db/client';
import { memberships, organizations, users } from '@/db/schema';
import type { Role } from '@/db/vocabulary/roles';

/** A user by email (case-insensitive), with the password hash. Not tenant data: accounts span organizations. */
export async function getUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ?? null;
}

/** A user's public fields (never the hash). Not tenant data: accounts span organizations. */
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

/** Every organization id, in id order (the order retention locks chain heads in). Not scoped: for system jobs only. */
export async function listOrganizationIds(db: DbOrTx): Promise<string[]> {
  const rows = await db.select({ id: organizations.id }).from(organizations).orderBy(asc(organizations.id));
  return rows.map((r) => r.id);
}

/**
 * One organization's row, locked against other settings writers until the transaction ends. `no key update`:
 * audit inserts (FK key-share) by a writer already holding the chain head must not wait on it. Tenancy: by its
 * own id. Transaction: caller's.
 */
export async function getOrganizationForUpdate(tx: Tx, orgId: string) {
  const [row] = await tx.select().from(organizations).where(eq(organizations.id, orgId)).for('no key update');
  return row ?? null;
}

/** Writes an organization's settings and returns the new row. Tenancy: by its own id. */
export async function updateOrganizationSettings(
  db: DbOrTx,
  orgId: string,
  values: { name: string; timeZone: string; retentionDays: number; legalHold: boolean },
) {
  const [row] = await db.update(organizations).set(values).where(eq(organizations.id, orgId)).returning();
  return row ?? null;
}

/** Sets (or, with null, clears) an organization's scheduled retention period and returns the row. Tenancy: by its own id. */
export async function setRetentionPending(db: DbOrTx, orgId: string, pending: { days: number; at: Date } | null) {
  const [row] = await db
    .update(organizations)
    .set({ retentionPendingDays: pending?.days ?? null, retentionPendingAt: pending?.at ?? null })
    .where(eq(organizations.id, orgId))
    .returning();
  return row ?? null;
}

/**
 * Makes a scheduled retention period current once it is due (`retention_pending_at <= now`) and returns the
 * row, or null when nothing was due. Tenancy: by its own id. Transaction: the caller's, holding the row lock.
 */
export async function promoteDueRetention(tx: Tx, orgId: string, now: Date) {
  const [row] = await tx
    .update(organizations)
    .set({ retentionDays: sql`${organizations.retentionPendingDays}`, retentionPendingDays: null, retentionPendingAt: null })
    .where(and(eq(organizations.id, orgId), isNotNull(organizations.retentionPendingDays), lte(organizations.retentionPendingAt, now)))
    .returning();
  return row ?? null;
}

/** A user's row with the password hash, for checking a password. Not tenant data: by user id only. */
export async function getUserCredentials(db: DbOrTx, userId: string) {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  return row ?? null;
}

/** Replaces a user's password hash. Not tenant data: a user's own account, by id. */
export async function updateUserPasswordHash(db: DbOrTx, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** Creates an account (the email is stored as given: callers lower-case it). Not tenant data until a membership. */
/** Creates an account that chose its own password (accepting an invitation); null when the email is taken. */
export async function insertUser(
  db: DbOrTx,
  values: { email: string; name: string; passwordHash: string },
): Promise<{ id: string; email: string; name: string } | null> {
  const [row] = await db.insert(users).values(values).onConflictDoNothing().returning({ id: users.id, email: users.email, name: users.name });
  return row ?? null;
}

/**
 * One member of an organization, row-locked: two admins demoting the last two owners at once must not both
 * succeed. Tenancy: scoped by `orgId`. Transaction: the lock lasts until the caller's transaction ends.
 */
export async function getMemberForUpdate(tx: Tx, orgId: string, userId: string) {
  const [row] = await tx
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .for('update', { of: memberships });
  return row ?? null;
}

/**
 * Counts an organization's owners, locking their rows so concurrent demotions of two different owners can't
 * leave none. Tenancy: scoped by `orgId`. Transaction: the lock lasts until the caller's transaction ends.
 */
export async function countOwnersForUpdate(tx: Tx, orgId: string): Promise<number> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'owner')))
    .for('update');
  return owners.length;
}

/** Adds a membership; false when the user already is a member. Tenancy: scoped by `orgId`. */
export async function insertMembership(db: DbOrTx, orgId: string, userId: string, role: Role): Promise<boolean> {
  const inserted = await db.insert(memberships).values({ orgId, userId, role }).onConflictDoNothing().returning();
  return inserted.length > 0;
}

/** Changes a member's role. Tenancy: scoped by `orgId`. */
export async function updateMemberRole(db: DbOrTx, orgId: string, userId: string, role: Role): Promise<void> {
  await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}

/** Removes a member from one organization (the account stays). Tenancy: scoped by `orgId`. */
export async function deleteMembership(db: DbOrTx, orgId: string, userId: string): Promise<void> {
  await db.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}
