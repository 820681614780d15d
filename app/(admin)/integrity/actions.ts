'use server';

import { createCheckpointOperation, verifyChainOperation } from '@/lib/operations/integrity';
import { runAuthedAction } from '@/lib/recording/authed-action';

export async function verifyChainAction(_prev: unknown, form: FormData) {
  return runAuthedAction(verifyChainOperation, form, ['/integrity', '/audit']);
}

export async function createCheckpointAction(_prev: unknown, form: FormData) {
  return runAuthedAction(createCheckpointOperation, form, ['/integrity', '/audit']);
}
