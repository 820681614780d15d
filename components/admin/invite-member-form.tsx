'use client';

import { useActionState } from 'react';
import { inviteMemberAction } from '@/app/(admin)/members/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import { ROLES } from '@/lib/auth/roles';
import { ActionMessage } from './action-message';
import { ShownOnce } from './shown-once';

export function InviteMemberForm({ canGrantOwner }: { canGrantOwner: boolean }) {
  const [state, action, pending] = useActionState(inviteMemberAction, null);
  const link = state?.ok && typeof window !== 'undefined' ? `${window.location.origin}${state.data.path}` : '';
  return (
    <form action={action} className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" aria-labelledby="invite-member-title">
      <h2 id="invite-member-title" className="font-medium">
        Invite a member
      </h2>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        You get a link to send them. It works once, for 7 days: they set their own password, or sign in to the account they already have.
      </p>
      <div className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
        <div className="space-y-1.5">
          <Label htmlFor="member-email">Email</Label>
          <Input
            id="member-email"
            name="email"
            type="email"
            required
            placeholder="name@company.com"
            aria-invalid={Boolean(!state?.ok && state?.fieldErrors?.email)}
          />
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
          {pending ? 'Inviting…' : 'Create invitation'}
        </Button>
      </div>
      <ActionMessage
        state={state}
        success={
          state?.ok ? (
            <div className="space-y-2">
              <p>
                Invitation for <strong>{state.data.email}</strong> as {state.data.role}. Send them this link; it is shown only now.
              </p>
              <ShownOnce value={link} testId="invitation-link" />
            </div>
          ) : null
        }
      />
    </form>
  );
}
