'use server';

import { headers } from 'next/headers';
import { getDb } from '@/lib/boot/app-db';
import { changeOwnPassword } from '@/lib/operations/account';
import { formToObject } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import { requestContextFrom } from '@/lib/recording/request-context';
import { getSessionContext } from '@/lib/auth/session';

export async function changePasswordAction(_prev: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> {
  const request = requestContextFrom(await headers());
  const ctx = await getSessionContext();
  if (!ctx) return { ok: false, error: 'Your session has ended. Sign in again.', requestId: request.requestId };
  return changeOwnPassword(await getDb(), ctx.user, request, formToObject(form));
}
