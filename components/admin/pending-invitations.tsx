'use client';

import { useActionState } from 'react';
import { revokeInvitationAction } from '@/app/(admin)/members/actions';
import { Button } from '@/components/ui/button';
import { ActionMessage } from './action-message';

export type PendingInvitationRow = { id: string; email: string; role: string; expires: string };

function RevokeInvitation({ id, email }: { id: string; email: string }) {
  const [state, action, pending] = useActionState(revokeInvitationAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="invitationId" value={id} />
      <Button
        type="submit"
        size="sm"
        variant="ghost"
        className="text-red-700 dark:text-red-400"
        disabled={pending}
        aria-label={`Revoke the invitation of ${email}`}
      >
        Revoke
      </Button>
      <ActionMessage state={state?.ok ? null : state} />
    </form>
  );
}

/** Invitations not yet accepted: who, which role, until when; each can be revoked. */
export function PendingInvitations({ rows, canManage }: { rows: PendingInvitationRow[]; canManage: boolean }) {
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="pending-invitations-title" className="space-y-2">
      <h2 id="pending-invitations-title" className="font-medium">
        Pending invitations
      </h2>
      <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800">
        {rows.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2" data-invitation={r.email}>
            <span>
              <span className="font-mono text-xs">{r.email}</span> as {r.role}{' '}
              <span className="text-zinc-600 dark:text-zinc-400">· link valid until {r.expires}</span>
            </span>
            {canManage ? <RevokeInvitation id={r.id} email={r.email} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
