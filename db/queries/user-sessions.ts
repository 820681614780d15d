import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { userSessions } from '@/db/schema/user-sessions';

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

/** Forgets sessions that ended before `before` (the daily lifecycle job). */
export async function deleteEndedUserSessions(db: DbOrTx, before: Date): Promise<void> {
  await db.delete(userSessions).where(sql`coalesce(${userSessions.revokedAt}, ${userSessions.expiresAt}) < ${before.toISOString()}::timestamptz`);
}
