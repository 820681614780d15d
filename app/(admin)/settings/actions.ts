'use server';

import { runAuthedAction } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import { updateSettingsOperation } from '@/lib/operations/settings';

export async function updateSettingsAction(_prev: ActionResult<{ name: string; time_zone: string; retention_days: number }> | null, form: FormData) {
  return runAuthedAction(updateSettingsOperation, form, ['/settings', '/audit']);
}
