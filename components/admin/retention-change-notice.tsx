'use client';

import { useActionState } from 'react';
import { cancelRetentionChangeAction } from '@/app/(admin)/settings/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ActionMessage } from './action-message';

/** A scheduled shorter retention period, with the owner's Cancel. */
export function RetentionChangeNotice({ from, to, due, canCancel }: { from: number; to: number; due: string; canCancel: boolean }) {
  const [state, action, pending] = useActionState(cancelRetentionChangeAction, null);
  return (
    <div className="max-w-xl space-y-2">
      <Alert tone="warning" data-testid="retention-pending">
        <form action={action} className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span>
            Retention will change from {from} to {to} days on {due}
          </span>
          {canCancel ? (
            <>
              <span aria-hidden="true">—</span>
              <Button type="submit" size="sm" variant="outline" disabled={pending}>
                {pending ? 'Cancelling…' : 'Cancel'}
              </Button>
            </>
          ) : (
            <span>(only an owner can cancel it)</span>
          )}
        </form>
      </Alert>
      {state && !state.ok ? <ActionMessage state={state} /> : null}
    </div>
  );
}
