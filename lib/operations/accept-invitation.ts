import { z } from 'zod';
import 'server-only';
import type { Db } from '@/db/client';
import { claimInvitation, getPendingInvitationByToken } from '@/db/queries/invitations';
import { insertMembership, insertUser } from '@/db/queries/tenancy';
import { hashPassword } from '@/lib/auth/password';
import { DomainError } from '@/lib/errors';
import { recordAuditEvent } from '@/lib/recording/record';
import type { RequestContext } from '@/lib/recording/request-context';
import { cleanText } from '@/lib/recording/storable';
import { hashInvitationToken } from './invitations';

export type PendingInvitation = { id: string; orgId: string; orgName: string; email: string; role: string; expiresAt: Date };

/** The pending invitation behind a link, or null (unknown, used, revoked or expired: one answer for all four). */
export async function findInvitation(db: Db, token: string, now = new Date()): Promise<PendingInvitation | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await getPendingInvitationByToken(db, hashInvitationToken(token), now);
  if (!row) return null;
  const { invitation } = row;
  return { id: invitation.id, orgId: invitation.orgId, orgName: row.orgName, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
}

export const newAccountSchema = z
  .object({
    name: z.string().trim().min(1, { error: 'Enter your name.' }).max(120),
    password: z.string().min(12, { error: 'Use at least 12 characters.' }).max(1024),
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], error: 'The two passwords differ.' });

export type Accepting =
  { kind: 'signed-in'; user: { id: string; email: string; name: string } } | { kind: 'new-account'; input: z.output<typeof newAccountSchema> };

export type AcceptResult = { ok: true; orgId: string; email: string } | { ok: false; error: string };

const INVALID = 'This invitation link is not valid: it was used, revoked or has expired. Ask for a new one.';

/**
 * Accepts an invitation in one transaction: claims the single-use link, creates the account when it is new (with
 * the password its owner chose), adds the membership and records it in the inviting organization. An account that
 * already exists can only accept while signed in as itself, so no organization can take over another's identity.
 */
export async function acceptInvitation(db: Db, token: string, who: Accepting, request: RequestContext): Promise<AcceptResult> {
  const invitation = await findInvitation(db, token);
  if (!invitation) return { ok: false, error: INVALID };
  const base = {
    orgId: invitation.orgId,
    source: 'web' as const,
    ip: request.ip,
    userAgent: request.userAgent,
    requestId: request.requestId,
    action: 'create',
    objectType: 'member',
    module: 'Access',
  };
  if (who.kind === 'signed-in' && who.user.email !== invitation.email) {
    const error = `This invitation is for ${invitation.email}; you are signed in as ${who.user.email}.`;
    await recordAuditEvent(db, {
      ...base,
      actor: { type: 'user', id: who.user.id, label: who.user.email },
      objectLabel: invitation.email,
      result: 'failure',
      message: 'Failed to accept an invitation',
      errorMessage: error,
      metadata: { invitation_id: invitation.id },
    });
    return { ok: false, error };
  }
  const passwordHash = who.kind === 'new-account' ? await hashPassword(who.input.password) : null;
  try {
    return await db.transaction(async (tx) => {
      const claimed = await claimInvitation(tx, invitation.id, new Date());
      if (!claimed) throw new DomainError(INVALID);
      const user =
        who.kind === 'signed-in' ? who.user : await insertUser(tx, { email: claimed.email, name: cleanText(who.input.name), passwordHash: passwordHash! });
      if (!user) throw new DomainError(`An account for ${claimed.email} already exists: sign in to it, then open this link again to accept.`);
      const joined = await insertMembership(tx, claimed.orgId, user.id, claimed.role);
      await recordAuditEvent(tx, {
        ...base,
        actor: { type: 'user', id: user.id, label: user.email },
        objectId: user.id,
        objectLabel: user.email,
        message: joined ? `${user.email} accepted the invitation and joined as ${claimed.role}` : `${user.email} accepted the invitation (already a member)`,
        after: { email: user.email, name: user.name, role: claimed.role },
        metadata: { invitation_id: claimed.id, invited_by: claimed.invitedBy, new_account: who.kind === 'new-account' },
      });
      return { ok: true as const, orgId: claimed.orgId, email: user.email };
    });
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.message };
    throw error;
  }
}
