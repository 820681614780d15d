'use client';

import { useActionState } from 'react';
import { signOutEverywhereAction } from '@/app/(admin)/account/actions';
import { Button } from '@/components/ui/button';
import { ActionMessage } from './action-message';

/** Ends every session of the user (this browser's too); success lands on the sign-in page. */
export function SignOutEverywhereButton() {
  const [state, action, pending] = useActionState(signOutEverywhereAction, null);
  return (
    <form action={action} className="space-y-2">
      <Button type="submit" variant="outline" disabled={pending}>
        {pending ? 'Signing out…' : 'Sign out everywhere'}
      </Button>
      <ActionMessage state={state?.ok ? null : state} />
    </form>
  );
}
