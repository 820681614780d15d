import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { userSessions } from '@/db/schema/user-sessions';
import { memberships, users } from '@/db/schema/tenancy';

export type UserSessionRow = typeof userSessions.$inferSelect;

/** Stores a new signed-in session of `userId`. */
export async function createUserSession(
  db: DbOrTx,
  row: { id: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db.insert(userSessions).values(row);
}

/** True while session `id` belongs to `userId`, is unrevoked and unexpired: checked on every request. */
export async function isUserSessionActive(db: DbOrTx, id: string, userId: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: userSessions.id })
    .from(userSessions)
    .where(and(eq(userSessions.id, id), eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)));
  return row !== undefined;
}

/**
 * The user behind a live session (unrevoked, unexpired, belonging to `userId`), or null: one primary-key lookup
 * joined to the user, run on every request in place of a plain user lookup.
 */
export async function getLiveSessionUser(db: DbOrTx, id: string, userId: string, now: Date): Promise<{ id: string; email: string; name: string } | null> {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, id), eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)));
  return row ?? null;
}

/** Revokes one session of `userId` (sign-out of this browser). */
export async function revokeUserSession(db: DbOrTx, userId: string, id: string, now: Date): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.id, id), eq(userSessions.userId, userId), isNull(userSessions.revokedAt)));
}

/** Revokes every live session of `userId`, optionally all but `except`; returns how many were ended. */
export async function revokeUserSessions(db: DbOrTx, userId: string, now: Date, except?: string): Promise<number> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(
      and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now), except ? ne(userSessions.id, except) : undefined),
    )
    .returning({ id: userSessions.id });
  return rows.length;
}

/** The live sessions of `userId`, newest first (the Account page lists them). */
export async function listActiveUserSessions(db: DbOrTx, userId: string, now: Date): Promise<UserSessionRow[]> {
  return db
    .select()
    .from(userSessions)
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, now)))
    .orderBy(desc(userSessions.createdAt))
    .limit(50);
}

/**
 * The organizations whose members started a session from `ip` since `since`: the tenants a throttled address concerns.
 * Deliberately across organizations (it decides where a per-address event is recorded); returns ids only.
 */
export async function listOrgIdsSignedInFrom(db: DbOrTx, ip: string, since: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ orgId: memberships.orgId })
    .from(userSessions)
    .innerJoin(memberships, eq(memberships.userId, userSessions.userId))
    .where(and(eq(userSessions.ip, ip), gt(userSessions.createdAt, since)))
    .orderBy(memberships.orgId);
  return rows.map((r) => r.orgId);
}

/** Forgets sessions that ended before `before` (the daily lifecycle job). */
export async function deleteEndedUserSessions(db: DbOrTx, before: Date): Promise<void> {
  await db.delete(userSessions).where(sql`coalesce(${userSessions.revokedAt}, ${userSessions.expiresAt}) < ${before.toISOString()}::timestamptz`);
}
