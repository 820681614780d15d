'use client';

import { useActionState } from 'react';
import { changeRoleAction, removeMemberAction } from '@/app/(admin)/members/actions';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';
import { ROLES, type Role } from '@/lib/auth/roles';
import { ActionMessage } from './action-message';

export function MemberRowActions({ userId, email, role }: { userId: string; email: string; role: Role }) {
  const [roleState, changeRole, changing] = useActionState(changeRoleAction, null);
  const [removeState, remove, removing] = useActionState(removeMemberAction, null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <form action={changeRole} className="flex items-center gap-2">
          <input type="hidden" name="userId" value={userId} />
          <label htmlFor={`role-${userId}`} className="sr-only">
            Role of {email}
          </label>
          {/* Keyed by the saved role: the form resets after its action, back to this default, which is the role now saved. */}
          <NativeSelect key={role} id={`role-${userId}`} name="role" defaultValue={role} className="h-8">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </NativeSelect>
          <Button type="submit" size="sm" variant="outline" disabled={changing}>
            {changing ? 'Saving…' : 'Save role'}
          </Button>
        </form>
        <form
          action={remove}
          onSubmit={(e) => {
            if (!confirm(`Remove ${email} from this organization?`)) e.preventDefault();
          }}
        >
          <input type="hidden" name="userId" value={userId} />
          <Button type="submit" size="sm" variant="ghost" className="text-red-700 dark:text-red-400" disabled={removing} aria-label={`Remove ${email}`}>
            Remove
          </Button>
        </form>
      </div>
      <ActionMessage state={roleState} success={`Saved: ${email} is now ${role === 'member' ? 'a' : 'an'} ${role}.`} />
      <ActionMessage state={removeState?.ok ? null : removeState} />
    </div>
  );
}
