import 'server-only';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { getUserCredentials, updateUserPasswordHash } from '@/db/queries/tenancy';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { endUserSessions } from '@/lib/auth/user-sessions';
import { DomainError } from '@/lib/errors';
import { defineOperation, executeAudited, type AccountContext, type ActionResult } from '@/lib/recording/operation';
import type { RequestContext } from '@/lib/recording/request-context';

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, { error: 'Enter your current password.' }),
    newPassword: z.string().min(12, { error: 'Use at least 12 characters.' }).max(1024),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], error: 'The two new passwords differ.' });

/**
 * Changes the signed-in user's own password: recorded as an `update` of the user in each of their
 * organizations. before/after carry the hashes only so the change is visible; redaction stores them as [REDACTED].
 * Every other session of the user ends in the same transaction (a stolen cookie dies with the old password).
 */
export const changePasswordOperation = defineOperation({
  permission: 'own-account',
  action: 'update',
  objectType: 'user',
  module: 'Access',
  describe: 'change password',
  schema: changePasswordSchema,
  target: (_raw, ctx) => ({ objectId: ctx.user.id, objectLabel: ctx.user.email }),
  async run(tx, input, ctx) {
    const row = await getUserCredentials(tx, ctx.user.id);
    if (!row || !(await verifyPassword(input.currentPassword, row.passwordHash))) {
      throw new DomainError('The current password is not correct.', { currentPassword: ['Not your current password.'] });
    }
    const newHash = await hashPassword(input.newPassword);
    await updateUserPasswordHash(tx, ctx.user.id, newHash);
    const ended = await endUserSessions(tx, ctx.user.id, ctx.sessionId);
    return {
      data: null,
      audit: {
        objectId: ctx.user.id,
        objectLabel: ctx.user.email,
        message: ended > 0 ? `Changed password; signed out ${ended} other session${ended === 1 ? '' : 's'}` : 'Changed password',
        before: { password_hash: row.passwordHash },
        after: { password_hash: newHash },
        metadata: { sessions_ended: ended },
      },
    };
  },
});

/** Ends every session of the signed-in user, this browser's too: a `logout` on `session` in each of their organizations. */
export const signOutEverywhereOperation = defineOperation({
  permission: 'own-account',
  action: 'logout',
  objectType: 'session',
  module: 'Access',
  describe: 'sign out everywhere',
  schema: z.object({}),
  target: (_raw, ctx) => ({ objectId: ctx.user.id, objectLabel: ctx.user.email }),
  async run(tx, _input, ctx) {
    const ended = await endUserSessions(tx, ctx.user.id);
    return {
      data: { ended },
      audit: {
        objectId: ctx.user.id,
        objectLabel: ctx.user.email,
        message: `Signed out everywhere (${ended} session${ended === 1 ? '' : 's'} ended)`,
        metadata: { scope: 'all', sessions_ended: ended },
      },
    };
  },
});

/**
 * The password change for one signed-in user; passwords never reach the log. `sessionId` (the session it is made
 * from) stays signed in, every other one ends; without it all end. Transaction: executeAudited's.
 */
export async function changeOwnPassword(
  db: Db,
  user: AccountContext['user'],
  request: RequestContext,
  raw: unknown,
  sessionId?: string,
): Promise<ActionResult<null>> {
  return executeAudited(db, changePasswordOperation, { user, request, sessionId }, raw);
}

/** "Sign out everywhere" for one signed-in user. Transaction: executeAudited's (the sessions and the entries together). */
export async function signOutEverywhere(db: Db, user: AccountContext['user'], request: RequestContext): Promise<ActionResult<{ ended: number }>> {
  return executeAudited(db, signOutEverywhereOperation, { user, request }, {});
}
