import 'server-only';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import type { z } from 'zod';
import { getDb } from '@/lib/boot/app-db';
import { getSessionContext } from '@/lib/auth/session';
import { executeAudited, type ActionResult, type Operation } from '@/lib/recording/operation';
import { requestContextFrom } from '@/lib/recording/request-context';

/** Form fields Next adds for progressive enhancement; not part of any operation's input. */
export function formToObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (!k.startsWith('$ACTION') && typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Runs an operation for the signed-in user in their current organization (membership re-checked on
 * this request), then revalidates the given paths. Use from 'use server' files.
 */
export async function runAuthedAction<S extends z.ZodType, T>(
  op: Operation<S, T>,
  input: FormData | Record<string, unknown>,
  revalidate: string[] = [],
): Promise<ActionResult<T>> {
  const request = requestContextFrom(await headers());
  const session = await getSessionContext();
  if (!session?.org) return { ok: false, error: 'Your session has ended. Sign in again.', requestId: request.requestId };
  const raw = input instanceof FormData ? formToObject(input) : input;
  const result = await executeAudited(await getDb(), op, { user: session.user, org: session.org, request }, raw);
  if (result.ok) for (const path of revalidate) revalidatePath(path);
  return result;
}
