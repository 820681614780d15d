'use server';

import { runAuthedAction } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import { cancelRetentionChangeOperation, updateSettingsOperation } from '@/lib/operations/settings';

type SavedSettings = { name: string; time_zone: string; retention_days: number; retention_pending_days: number | null };

export async function updateSettingsAction(_prev: ActionResult<SavedSettings> | null, form: FormData) {
  return runAuthedAction(updateSettingsOperation, form, ['/settings', '/audit']);
}

export async function cancelRetentionChangeAction(_prev: ActionResult<SavedSettings> | null, form: FormData) {
  return runAuthedAction(cancelRetentionChangeOperation, form, ['/settings', '/audit']);
}
