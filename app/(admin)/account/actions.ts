'use server';

import { headers } from 'next/headers';
import { getDb } from '@/lib/boot/app-db';
import { signOut } from '@/lib/auth';
import { changeOwnPassword, signOutEverywhere } from '@/lib/operations/account';
import { formToObject } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import { requestContextFrom } from '@/lib/recording/request-context';
import { getSessionContext } from '@/lib/auth/session';

const SESSION_ENDED = 'Your session has ended. Sign in again.';

/** Changes the password; this browser stays signed in, every other session ends. */
export async function changePasswordAction(_prev: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> {
  const request = requestContextFrom(await headers());
  const ctx = await getSessionContext();
  if (!ctx) return { ok: false, error: SESSION_ENDED, requestId: request.requestId };
  return changeOwnPassword(await getDb(), ctx.user, request, formToObject(form), ctx.sessionId);
}

/** Ends every session of the user, this one included, then clears this browser's cookie and goes to sign-in. */
export async function signOutEverywhereAction(): Promise<ActionResult<{ ended: number }>> {
  const request = requestContextFrom(await headers());
  const ctx = await getSessionContext();
  if (!ctx) return { ok: false, error: SESSION_ENDED, requestId: request.requestId };
  const result = await signOutEverywhere(await getDb(), ctx.user, request);
  if (!result.ok) return result;
  return signOut({ redirectTo: '/login' }); // throws the redirect
}
