'use client';

import { useActionState } from 'react';
import { createApiKeyAction } from '@/app/(admin)/api-keys/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ActionMessage } from './action-message';
import { ShownOnce } from './shown-once';

export function CreateApiKeyForm() {
  const [state, action, pending] = useActionState(createApiKeyAction, null);
  return (
    <form action={action} className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" aria-labelledby="create-key-title">
      <h2 id="create-key-title" className="font-medium">
        Create an API key
      </h2>
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1 space-y-1.5">
          <Label htmlFor="key-name">Name</Label>
          <Input id="key-name" name="name" required maxLength={80} placeholder="e.g. Billing service (production)" />
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create key'}
        </Button>
      </div>
      <ActionMessage
        state={state}
        success={
          state?.ok ? (
            <div className="space-y-2">
              <p>
                Key <strong>{state.data.name}</strong> created. Copy it now: it is stored only as a hash and <strong>will not be shown again</strong>.
              </p>
              <ShownOnce value={state.data.key} testId="new-api-key" />
            </div>
          ) : null
        }
      />
    </form>
  );
}
