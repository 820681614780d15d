'use client';

import { useActionState, useState } from 'react';
import { changeRoleAction, removeMemberAction } from '@/app/(admin)/members/actions';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';
import { ROLES, type Role } from '@/lib/auth/roles';
import { ActionMessage } from './action-message';

export function MemberRowActions({ userId, email, role }: { userId: string; email: string; role: Role }) {
  const [roleState, changeRole, changing] = useActionState(changeRoleAction, null);
  const [removeState, remove, removing] = useActionState(removeMemberAction, null);
  // Controlled: the form resets after its action, and an uncontrolled select would jump back to the old role.
  const [chosen, setChosen] = useState<Role>(role);
  const [seen, setSeen] = useState({ role, roleState });
  // The saved role arrived, or the save was refused: show the role the member really has (render-time sync).
  if (seen.role !== role || seen.roleState !== roleState) {
    setSeen({ role, roleState });
    setChosen(role);
  }
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <form action={changeRole} className="flex items-center gap-2">
          <input type="hidden" name="userId" value={userId} />
          <label htmlFor={`role-${userId}`} className="sr-only">
            Role of {email}
          </label>
          <NativeSelect id={`role-${userId}`} name="role" value={chosen} onChange={(e) => setChosen(e.target.value as Role)} className="h-8">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </NativeSelect>
          <Button type="submit" size="sm" variant="outline" disabled={changing || chosen === role}>
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
