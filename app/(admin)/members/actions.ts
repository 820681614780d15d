'use server';

import { runAuthedAction } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import { inviteMemberOperation, revokeInvitationOperation } from '@/lib/operations/invitations';
import { changeRoleOperation, removeMemberOperation } from '@/lib/operations/members';

export type InviteResult = ActionResult<{ invitationId: string; email: string; role: string; path: string; expiresAt: string }>;

export async function inviteMemberAction(_prev: InviteResult | null, form: FormData): Promise<InviteResult> {
  return runAuthedAction(inviteMemberOperation, form, ['/members']);
}

export async function revokeInvitationAction(_prev: ActionResult<{ invitationId: string }> | null, form: FormData) {
  return runAuthedAction(revokeInvitationOperation, form, ['/members']);
}

export async function changeRoleAction(_prev: ActionResult<{ userId: string }> | null, form: FormData) {
  return runAuthedAction(changeRoleOperation, form, ['/members']);
}

export async function removeMemberAction(_prev: ActionResult<{ userId: string }> | null, form: FormData) {
  return runAuthedAction(removeMemberOperation, form, ['/members']);
}
