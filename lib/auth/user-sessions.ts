import type { DbOrTx } from '@/db/client';
import { createUserSession, isUserSessionActive, revokeUserSession, revokeUserSessions } from '@/db/queries/user-sessions';
import { uuidv7 } from '@/lib/ids';
import type { RequestContext } from '@/lib/recording/request-context';

/** How long a sign-in lasts at most; the cookie and the session row expire together. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

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
  if (!sessionId || !/^[0-9a-f-]{36}$/.test(sessionId)) return Promise.resolve(false);
  return isUserSessionActive(db, sessionId, userId, now);
}

/** Ends this browser's session. */
export function endUserSession(db: DbOrTx, userId: string, sessionId: string, now = new Date()): Promise<void> {
  return revokeUserSession(db, userId, sessionId, now);
}

/** Ends every session of `userId` (all browsers), or all but `keep`; returns how many ended. */
export function endUserSessions(db: DbOrTx, userId: string, keep?: string, now = new Date()): Promise<number> {
  return revokeUserSessions(db, userId, now, keep);
}
