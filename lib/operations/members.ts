import 'server-only';
import { z } from 'zod';
import { countOwnersForUpdate, deleteMembership, getMemberForUpdate, updateMemberRole } from '@/db/queries/tenancy';
import { defineOperation } from '@/lib/recording/operation';
import { ROLES, type Role } from '@/lib/auth/roles';
import { DomainError } from '@/lib/errors';
import { endUserSessions } from '@/lib/auth/user-sessions';

const role = z.enum(ROLES, { error: 'Choose a role: owner, admin, auditor or member.' });
const userId = z.uuid({ error: 'Unknown member.' });

/** Only an owner may grant, change or take away the owner role. */
function assertMayTouchOwner(actorRole: Role, ...roles: Role[]) {
  if (actorRole !== 'owner' && roles.includes('owner')) throw new DomainError('Only an owner can grant or change the owner role.');
}

const snapshot = (m: { email: string; name: string; role: Role }) => ({ email: m.email, name: m.name, role: m.role });

export const changeRoleOperation = defineOperation({
  permission: 'members:manage',
  action: 'update',
  objectType: 'member',
  module: 'Access',
  describe: "change a member's role",
  schema: z.object({ userId, role }),
  target: (raw) => ({ objectId: typeof raw.userId === 'string' ? raw.userId.slice(0, 64) : null }),
  async run(tx, input, ctx) {
    const member = await getMemberForUpdate(tx, ctx.org.orgId, input.userId);
    if (!member) throw new DomainError('That person is not a member of this organization.');
    assertMayTouchOwner(ctx.org.role, member.role, input.role);
    if (member.role === 'owner' && input.role !== 'owner' && (await countOwnersForUpdate(tx, ctx.org.orgId)) <= 1) {
      throw new DomainError(`${member.email} is the last owner of ${ctx.org.name}; make someone else an owner first.`);
    }
    await updateMemberRole(tx, ctx.org.orgId, input.userId, input.role);
    return {
      data: { userId: member.userId },
      audit: {
        objectId: member.userId,
        objectLabel: member.email,
        message: `Changed ${member.email}'s role from ${member.role} to ${input.role}`,
        before: snapshot(member),
        after: snapshot({ ...member, role: input.role }),
      },
    };
  },
});

export const removeMemberOperation = defineOperation({
  permission: 'members:manage',
  action: 'delete',
  objectType: 'member',
  module: 'Access',
  describe: 'remove a member',
  schema: z.object({ userId }),
  target: (raw) => ({ objectId: typeof raw.userId === 'string' ? raw.userId.slice(0, 64) : null }),
  async run(tx, input, ctx) {
    const member = await getMemberForUpdate(tx, ctx.org.orgId, input.userId);
    if (!member) throw new DomainError('That person is not a member of this organization.');
    assertMayTouchOwner(ctx.org.role, member.role);
    if (member.role === 'owner' && (await countOwnersForUpdate(tx, ctx.org.orgId)) <= 1) {
      throw new DomainError(`${member.email} is the last owner of ${ctx.org.name} and cannot be removed.`);
    }
    await deleteMembership(tx, ctx.org.orgId, input.userId);
    // A removed person's open browsers stop working at once, not when their cookie expires.
    const ended = await endUserSessions(tx, input.userId);
    return {
      data: { userId: member.userId },
      audit: {
        objectId: member.userId,
        objectLabel: member.email,
        message: `Removed ${member.email} (${member.role})`,
        before: snapshot(member),
        metadata: { sessions_ended: ended },
      },
    };
  },
});
