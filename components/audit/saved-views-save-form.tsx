'use client';

import { useActionState, useId, useState } from 'react';
import { createSavedViewAction } from '@/app/(admin)/audit/saved-views-actions';
import { ActionMessage } from '@/components/admin/action-message';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

type Result = Awaited<ReturnType<typeof createSavedViewAction>>;

/** Names the current view and saves it; the server canonicalizes the query and drops the page position. */
export function SavedViewsSaveForm({ query }: { query: string }) {
  const id = useId();
  // Controlled, so a refused name stays in the box to fix (React resets uncontrolled fields after an action).
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [state, action, pending] = useActionState(async (prev: Result | null, form: FormData) => {
    const result = await createSavedViewAction(prev, form);
    if (result.ok) {
      setName('');
      setShared(false);
    }
    return result;
  }, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} aria-labelledby={`${id}-title`} className="space-y-2 border-t border-zinc-200 px-2 pt-3 dark:border-zinc-800">
      <h3 id={`${id}-title`} className="text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
        Save current view
      </h3>
      <input type="hidden" name="query" value={query} />
      <div className="space-y-1">
        <Label htmlFor={`${id}-name`} className="text-xs">
          Name
        </Label>
        <div className="flex gap-2">
          <Input
            id={`${id}-name`}
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={80}
            placeholder="e.g. Failed sign-ins"
            aria-invalid={Boolean(errors?.name)}
            className="h-8"
          />
          <Button type="submit" size="sm" disabled={pending}>
            {pending ? 'Saving…' : 'Save'}
          </Button>
        </div>
      </div>
      <div className="flex items-center gap-2">
        <input
          id={`${id}-shared`}
          type="checkbox"
          name="shared"
          checked={shared}
          onChange={(e) => setShared(e.target.checked)}
          className="size-4 rounded accent-sky-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        />
        <Label htmlFor={`${id}-shared`} className="font-normal">
          Share with organization
        </Label>
      </div>
      <ActionMessage state={state} success={state?.ok ? `Saved "${state.data.name}".` : null} />
    </form>
  );
}
