import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { listMembershipsForUser } from '@/db/queries/tenancy';
import type { ActionResult } from '@/lib/recording/operation';
import { recordAuditEvent, type AuditEntry } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import { hashPassword, verifyPassword } from '@/lib/auth/password';

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, { error: 'Enter your current password.' }),
    newPassword: z.string().min(12, { error: 'Use at least 12 characters.' }).max(1024),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], error: 'The two new passwords differ.' });

/**
 * Changes the signed-in user's own password. The new hash and one audit entry per organization of the
 * user are written in one transaction; a refused attempt is recorded as a failure. Passwords never reach the log.
 */
export async function changeOwnPassword(db: Db, user: { id: string; email: string }, request: RequestContext, raw: unknown): Promise<ActionResult<null>> {
  const orgs = await listMembershipsForUser(db, user.id);
  const entry = (orgId: string): AuditEntry => ({
    orgId,
    actor: { type: 'user', id: user.id, label: user.email },
    source: 'web',
    ip: request.ip,
    userAgent: request.userAgent,
    requestId: request.requestId,
    action: 'update',
    objectType: 'user',
    objectId: user.id,
    objectLabel: user.email,
    module: 'Access',
  });
  const refuse = async (error: string, fieldErrors?: Record<string, string[]>): Promise<ActionResult<null>> => {
    for (const o of orgs) await recordAuditEvent(db, { ...entry(o.orgId), result: 'failure', message: 'Failed to change password', errorMessage: error });
    return { ok: false, error, fieldErrors, requestId: request.requestId };
  };

  const parsed = changePasswordSchema.safeParse(raw);
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error) as { fieldErrors: Record<string, string[]> };
    return refuse('Validation failed: ' + Object.values(fieldErrors).map((v) => v[0]).join('; '), fieldErrors);
  }
  const [row] = await db.select().from(users).where(eq(users.id, user.id));
  if (!row || !(await verifyPassword(parsed.data.currentPassword, row.passwordHash))) {
    return refuse('The current password is not correct.', { currentPassword: ['Not your current password.'] });
  }
  const newHash = await hashPassword(parsed.data.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash: newHash }).where(eq(users.id, user.id));
    // before/after carry the hashes only so the change is visible; redaction stores them as [REDACTED].
    for (const o of orgs) {
      await recordAuditEvent(tx, { ...entry(o.orgId), message: 'Changed password', before: { password_hash: row.passwordHash }, after: { password_hash: newHash } });
    }
  });
  return { ok: true, data: null, requestId: request.requestId };
}
