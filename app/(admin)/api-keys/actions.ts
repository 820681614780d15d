'use server';

import { runAuthedAction } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import { createApiKeyOperation, revokeApiKeyOperation } from '@/lib/operations/api-keys';

type CreateResult = ActionResult<{ id: string; name: string; prefix: string; key: string }>;

export async function createApiKeyAction(_prev: CreateResult | null, form: FormData): Promise<CreateResult> {
  return runAuthedAction(createApiKeyOperation, form, ['/api-keys']);
}

export async function revokeApiKeyAction(_prev: ActionResult<{ id: string }> | null, form: FormData) {
  return runAuthedAction(revokeApiKeyOperation, form, ['/api-keys']);
}
