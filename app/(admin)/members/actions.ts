'use server';

import { runAuthedAction } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import { addMemberOperation, changeRoleOperation, removeMemberOperation } from '@/lib/operations/members';

type AddResult = ActionResult<{ userId: string; email: string; oneTimePassword: string | null }>;

export async function addMemberAction(_prev: AddResult | null, form: FormData): Promise<AddResult> {
  return runAuthedAction(addMemberOperation, form, ['/members']);
}

export async function changeRoleAction(_prev: ActionResult<{ userId: string }> | null, form: FormData) {
  return runAuthedAction(changeRoleOperation, form, ['/members']);
}

export async function removeMemberAction(_prev: ActionResult<{ userId: string }> | null, form: FormData) {
  return runAuthedAction(removeMemberOperation, form, ['/members']);
}
