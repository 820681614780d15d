'use server';

import { createCheckpointOperation, verifyChainOperation } from '@/lib/admin/integrity';
import { runAuthedAction } from '@/lib/audit/authed-action';

export async function verifyChainAction(_prev: unknown, form: FormData) {
  return runAuthedAction(verifyChainOperation, form, ['/integrity', '/audit']);
}

export async function createCheckpointAction(_prev: unknown, form: FormData) {
  return runAuthedAction(createCheckpointOperation, form, ['/integrity', '/audit']);
}
