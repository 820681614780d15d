'use server';

import { runAuthedAction } from '@/lib/audit/authed-action';
import type { ActionResult } from '@/lib/audit/operation';
import { createApiKeyOperation, revokeApiKeyOperation } from '@/lib/admin/api-keys';

type CreateResult = ActionResult<{ id: string; name: string; prefix: string; key: string }>;

export async function createApiKeyAction(_prev: CreateResult | null, form: FormData): Promise<CreateResult> {
  return runAuthedAction(createApiKeyOperation, form, ['/api-keys']);
}

export async function revokeApiKeyAction(_prev: ActionResult<{ id: string }> | null, form: FormData) {
  return runAuthedAction(revokeApiKeyOperation, form, ['/api-keys']);
}
