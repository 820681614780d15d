import 'server-only';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { getUserCredentials, updateUserPasswordHash } from '@/db/queries/tenancy';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
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
    return {
      data: null,
      audit: {
        objectId: ctx.user.id,
        objectLabel: ctx.user.email,
        message: 'Changed password',
        before: { password_hash: row.passwordHash },
        after: { password_hash: newHash },
      },
    };
  },
});

/** The password change for one signed-in user; passwords never reach the log. Transaction: executeAudited's. */
export async function changeOwnPassword(db: Db, user: AccountContext['user'], request: RequestContext, raw: unknown): Promise<ActionResult<null>> {
  return executeAudited(db, changePasswordOperation, { user, request }, raw);
}
