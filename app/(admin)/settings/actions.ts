'use server';

import { runAuthedAction } from '@/lib/audit/authed-action';
import type { ActionResult } from '@/lib/audit/operation';
import { updateSettingsOperation } from '@/lib/admin/settings';

export async function updateSettingsAction(_prev: ActionResult<{ name: string; time_zone: string; retention_days: number }> | null, form: FormData) {
  return runAuthedAction(updateSettingsOperation, form, ['/settings', '/audit']);
}
