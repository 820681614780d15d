import type { DbOrTx } from '@/db/client';
import {
  createUserSession,
  getLiveSessionUser,
  isUserSessionActive,
  listActiveUserSessions,
  revokeUserSession,
  revokeUserSessions,
  type UserSessionRow,
} from '@/db/queries/user-sessions';
import { isUuid, uuidv7 } from '@/lib/ids';
import type { RequestContext } from '@/lib/recording/request-context';
import { SESSION_MAX_AGE_SECONDS } from './session-lifetime';

export { SESSION_MAX_AGE_SECONDS };

/** Starts a session for `userId` after a successful sign-in; its id goes into the signed cookie. */
export async function startUserSession(db: DbOrTx, userId: string, request: RequestContext, now = new Date()): Promise<string> {
  const id = uuidv7(now);
  await createUserSession(db, {
    id,
    userId,
    expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
    ip: request.ip,
    userAgent: request.userAgent?.slice(0, 512) ?? null,
  });
  return id;
}

/** True while the cookie's session is live: a revoked session (sign-out, password change, removal) is not. */
export function sessionIsLive(db: DbOrTx, sessionId: string | undefined, userId: string, now = new Date()): Promise<boolean> {
  if (!sessionId || !isUuid(sessionId) || !isUuid(userId)) return Promise.resolve(false);
  return isUserSessionActive(db, sessionId, userId, now);
}

/** The user of a live session, or null (no such session, revoked, expired, or someone else's). One indexed query. */
export function liveSessionUser(db: DbOrTx, sessionId: string | undefined, userId: string, now = new Date()) {
  if (!sessionId || !isUuid(sessionId) || !isUuid(userId)) return Promise.resolve(null);
  return getLiveSessionUser(db, sessionId, userId, now);
}

/** The live sessions of `userId`, newest first (their own Account page). */
export function listLiveSessions(db: DbOrTx, userId: string, now = new Date()): Promise<UserSessionRow[]> {
  return listActiveUserSessions(db, userId, now);
}

/** Ends this browser's session. */
export function endUserSession(db: DbOrTx, userId: string, sessionId: string, now = new Date()): Promise<void> {
  return revokeUserSession(db, userId, sessionId, now);
}

/** Ends every session of `userId` (all browsers), or all but `keep`; returns how many ended. Runs in the caller's transaction. */
export function endUserSessions(db: DbOrTx, userId: string, keep?: string, now = new Date()): Promise<number> {
  return revokeUserSessions(db, userId, now, keep);
}
