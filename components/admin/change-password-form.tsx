'use client';

import { useActionState } from 'react';
import { changePasswordAction } from '@/app/(admin)/account/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ActionMessage } from './action-message';

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, null);
  return (
    <form action={action} className="max-w-sm space-y-4">
      <div className="space-y-1.5">
        <Label htmlFor="current-password">Current password</Label>
        <Input id="current-password" name="currentPassword" type="password" autoComplete="current-password" required />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="new-password">New password</Label>
        <Input id="new-password" name="newPassword" type="password" autoComplete="new-password" minLength={12} required aria-describedby="new-password-help" />
        <p id="new-password-help" className="text-xs text-zinc-600 dark:text-zinc-400">
          At least 12 characters.
        </p>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="confirm-password">Repeat the new password</Label>
        <Input id="confirm-password" name="confirmPassword" type="password" autoComplete="new-password" required />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? 'Changing…' : 'Change password'}
      </Button>
      <ActionMessage state={state} success="Password changed." />
    </form>
  );
}
