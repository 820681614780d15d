'use client';

import { useActionState, useState } from 'react';
import { createApiKeyAction } from '@/app/(admin)/api-keys/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ActionMessage } from './action-message';

export function CreateApiKeyForm() {
  const [state, action, pending] = useActionState(createApiKeyAction, null);
  const [copied, setCopied] = useState(false);
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
              <div className="flex flex-wrap items-center gap-2">
                <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900" data-testid="new-api-key">
                  {state.data.key}
                </code>
                <Button
                  type="button"
                  size="sm"
                  variant="outline"
                  onClick={async () => {
                    await navigator.clipboard.writeText(state.data.key);
                    setCopied(true);
                  }}
                >
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              </div>
            </div>
          ) : null
        }
      />
    </form>
  );
}
