import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createInvitation, findMemberByEmail, revokeInvitation } from '@/db/queries/invitations';
import { ROLES, type Role } from '@/lib/auth/roles';
import { DomainError } from '@/lib/errors';
import { defineOperation } from '@/lib/recording/operation';

/** How long an invitation link can be used. */
export const INVITATION_DAYS = 7;

/** Invitation links carry 256 random bits; only their SHA-256 is stored. */
export const hashInvitationToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Only an owner may grant the owner role, by invitation too. */
export function assertMayGrant(actorRole: Role, role: Role) {
  if (actorRole !== 'owner' && role === 'owner') throw new DomainError('Only an owner can grant or change the owner role.');
}

const role = z.enum(ROLES, { error: 'Choose a role: owner, admin, auditor or member.' });

/**
 * Invites an email address into the organization. The reply is the same whether or not the address already has
 * an account (nothing about other organizations' people leaks), and no password is made: whoever the link reaches
 * sets their own password (new account) or signs in to their existing account to accept.
 */
export const inviteMemberOperation = defineOperation({
  permission: 'members:manage',
  action: 'create',
  objectType: 'invitation',
  module: 'Access',
  describe: 'invite a member',
  schema: z.object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .max(320)
      .pipe(z.email({ error: 'Enter a valid email address.' })),
    role,
  }),
  target: (raw) => ({ objectLabel: typeof raw.email === 'string' ? raw.email.slice(0, 320) : null }),
  async run(tx, input, ctx) {
    assertMayGrant(ctx.org.role, input.role);
    if (await findMemberByEmail(tx, ctx.org.orgId, input.email)) {
      throw new DomainError(`${input.email} is already a member of ${ctx.org.name}.`, { email: ['Already a member.'] });
    }
    const now = new Date();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
    const invitation = await createInvitation(
      tx,
      { orgId: ctx.org.orgId, email: input.email, role: input.role, tokenHash: hashInvitationToken(token), invitedBy: ctx.user.id, expiresAt },
      now,
    );
    return {
      // The link is returned to the inviter once and never stored or recorded in clear.
      data: { invitationId: invitation.id, email: input.email, role: input.role, path: `/invite/${token}`, expiresAt: expiresAt.toISOString() },
      audit: {
        objectId: invitation.id,
        objectLabel: input.email,
        message: `Invited ${input.email} as ${input.role} (link valid ${INVITATION_DAYS} days)`,
        after: { email: input.email, role: input.role, expires_at: expiresAt.toISOString() },
      },
    };
  },
});

export const revokeInvitationOperation = defineOperation({
  permission: 'members:manage',
  action: 'delete',
  objectType: 'invitation',
  module: 'Access',
  describe: 'revoke an invitation',
  schema: z.object({ invitationId: z.uuid({ error: 'Unknown invitation.' }) }),
  target: (raw) => ({ objectId: typeof raw.invitationId === 'string' ? raw.invitationId.slice(0, 64) : null }),
  async run(tx, input, ctx) {
    const revoked = await revokeInvitation(tx, ctx.org.orgId, input.invitationId, new Date());
    if (!revoked) throw new DomainError('That invitation was already used, revoked or has expired.');
    return {
      data: { invitationId: revoked.id },
      audit: {
        objectId: revoked.id,
        objectLabel: revoked.email,
        message: `Revoked the invitation of ${revoked.email} (${revoked.role})`,
        before: { email: revoked.email, role: revoked.role, expires_at: revoked.expiresAt.toISOString() },
      },
    };
  },
});
