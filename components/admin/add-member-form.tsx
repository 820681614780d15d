'use client';

import { useActionState } from 'react';
import { addMemberAction } from '@/app/(admin)/members/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { ROLES } from '@/lib/auth/roles';
import { ActionMessage } from './action-message';

export function AddMemberForm({ canGrantOwner }: { canGrantOwner: boolean }) {
  const [state, action, pending] = useActionState(addMemberAction, null);
  return (
    <form action={action} className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" aria-labelledby="add-member-title">
      <h2 id="add-member-title" className="font-medium">Add a member</h2>
      <div className="grid gap-3 sm:grid-cols-[2fr_1.5fr_1fr_auto] sm:items-end">
        <div className="space-y-1.5">
          <Label htmlFor="member-email">Email</Label>
          <Input id="member-email" name="email" type="email" required placeholder="name@company.com" aria-invalid={Boolean(!state?.ok && state?.fieldErrors?.email)} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="member-name">Name (optional)</Label>
          <Input id="member-name" name="name" placeholder="Full name" />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="member-role">Role</Label>
          <NativeSelect id="member-role" name="role" defaultValue="auditor" className="w-full">
            {ROLES.filter((r) => canGrantOwner || r !== 'owner').map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </NativeSelect>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Adding…' : 'Add member'}
        </Button>
      </div>
      <ActionMessage
        state={state}
        success={
          state?.ok ? (
            state.data.oneTimePassword ? (
              <span>
                Added {state.data.email}. Their one-time password is{' '}
                <code className="rounded bg-white px-1.5 py-0.5 font-mono dark:bg-zinc-900" data-testid="one-time-password">
                  {state.data.oneTimePassword}
                </code>{' '}
                — share it securely; it will not be shown again.
              </span>
            ) : (
              <span>Added {state.data.email}, who already had an account.</span>
            )
          ) : null
        }
      />
    </form>
  );
}
