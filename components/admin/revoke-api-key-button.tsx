'use client';

import { useActionState } from 'react';
import { revokeApiKeyAction } from '@/app/(admin)/api-keys/actions';
import { Button } from '@/components/ui/button';
import { ActionMessage } from './action-message';

export function RevokeApiKeyButton({ keyId, name }: { keyId: string; name: string }) {
  const [state, action, pending] = useActionState(revokeApiKeyAction, null);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!confirm(`Revoke "${name}"? Systems using it will be refused immediately.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="keyId" value={keyId} />
      <Button type="submit" size="sm" variant="ghost" className="text-red-700 dark:text-red-400" disabled={pending} aria-label={`Revoke ${name}`}>
        Revoke
      </Button>
      <ActionMessage state={state?.ok ? null : state} />
    </form>
  );
}
