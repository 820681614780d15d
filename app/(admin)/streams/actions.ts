'use server';

import { getDb } from '@/lib/boot/app-db';
import { getStreamDestination } from '@/db/queries/stream-destinations';
import { hasPermission } from '@/lib/auth/roles';
import { getSessionContext } from '@/lib/auth/session';
import { isUuid } from '@/lib/ids';
import { formToObject, runAuthedAction } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import {
  createStreamDestinationOperation,
  deleteStreamDestinationOperation,
  recordStreamTestOperation,
  replayStreamOperation,
  setStreamPausedOperation,
} from '@/lib/operations/streams';
import { getSettings } from '@/lib/settings';
import { sendTestEvent } from '@/lib/streams/test-event';

type CreateResult = ActionResult<{ id: string; name: string; secret: { label: string; value: string } | null }>;

export async function createStreamDestinationAction(_prev: CreateResult | null, form: FormData): Promise<CreateResult> {
  return runAuthedAction(createStreamDestinationOperation, form, ['/streams']);
}

export async function setStreamPausedAction(_prev: ActionResult<{ id: string; paused: boolean }> | null, form: FormData) {
  return runAuthedAction(setStreamPausedOperation, form, ['/streams']);
}

export async function replayStreamAction(_prev: ActionResult<{ id: string; fromSeq: number }> | null, form: FormData) {
  return runAuthedAction(replayStreamOperation, form, ['/streams']);
}

export async function deleteStreamDestinationAction(_prev: ActionResult<{ id: string }> | null, form: FormData) {
  return runAuthedAction(deleteStreamDestinationOperation, form, ['/streams']);
}

/**
 * Sends a test event, then records the outcome through the audited operation. The send happens only for someone
 * allowed to manage streams (checked here and again by the operation) and outside any database transaction.
 */
export async function sendStreamTestAction(_prev: ActionResult<{ id: string }> | null, form: FormData) {
  const { destinationId } = formToObject(form);
  const session = await getSessionContext();
  let error: string | null = null;
  if (session?.org && hasPermission(session.org.role, 'streams:manage') && destinationId && isUuid(destinationId)) {
    const dest = await getStreamDestination(await getDb(), session.org.orgId, destinationId);
    if (dest) error = await sendTestEvent(dest, session.user.email, getSettings().streamTimeoutSeconds * 1000);
  }
  return runAuthedAction(recordStreamTestOperation, { destinationId, error }, ['/streams']);
}
