'use client';

import { useActionState } from 'react';
import { acceptAsSignedInAction, createAccountAction, type AcceptState } from '@/app/(auth)/invite/[token]/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

export function AcceptInvitationForm({ token, signedInAs, invitedEmail }: { token: string; signedInAs: string; invitedEmail: string }) {
  const [state, action, pending] = useActionState<AcceptState, FormData>(acceptAsSignedInAction, {});
  if (signedInAs !== invitedEmail) {
    return (
      <Alert tone="warning">
        You are signed in as {signedInAs}. Sign out, then open this link again and sign in as {invitedEmail} to accept.
      </Alert>
    );
  }
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Joining…' : 'Accept and join'}
      </Button>
    </form>
  );
}

export function CreateAccountForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<AcceptState, FormData>(createAccountAction, {});
  const fieldError = (name: string) => state.fieldErrors?.[name]?.[0];
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      {(
        [
          ['name', 'Your name', 'text', 'name'],
          ['password', 'Choose a password (12+ characters)', 'password', 'new-password'],
          ['confirmPassword', 'Repeat the password', 'password', 'new-password'],
        ] as const
      ).map(([name, label, type, autoComplete]) => (
        <div key={name} className="space-y-1.5">
          <Label htmlFor={`invite-${name}`}>{label}</Label>
          <Input
            id={`invite-${name}`}
            name={name}
            type={type}
            autoComplete={autoComplete}
            required
            aria-invalid={Boolean(fieldError(name))}
            aria-describedby={fieldError(name) ? `invite-${name}-error` : undefined}
          />
          {fieldError(name) ? (
            <p id={`invite-${name}-error`} className="text-xs text-red-700 dark:text-red-400">
              {fieldError(name)}
            </p>
          ) : null}
        </div>
      ))}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating…' : 'Create account and join'}
      </Button>
    </form>
  );
}
