'use client';

import { useActionState } from 'react';
import { changePasswordAction } from '@/app/(admin)/account/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ActionMessage } from './action-message';

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;
type Field = (typeof FIELDS)[number];

/** A field's error, under the field it is about. */
function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="text-xs text-red-700 dark:text-red-400">
      {message}
    </p>
  );
}

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, null);
  const errors: Partial<Record<Field, string>> = {};
  if (state && !state.ok) for (const f of FIELDS) errors[f] = state.fieldErrors?.[f]?.[0];
  // One message per problem: a field's error shows under the field, and the summary only when no field has one.
  const inline = FIELDS.some((f) => errors[f]);
  const describedBy = (f: Field, help?: string) => [help, errors[f] ? `${f}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <form action={action} className="max-w-sm space-y-4">
      <div className="space-y-1.5">
        <Label htmlFor="current-password">Current password</Label>
        <Input
          id="current-password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={Boolean(errors.currentPassword)}
          aria-describedby={describedBy('currentPassword')}
        />
        <FieldError id="currentPassword-error" message={errors.currentPassword} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="new-password">New password</Label>
        <Input
          id="new-password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={12}
          required
          aria-invalid={Boolean(errors.newPassword)}
          aria-describedby={describedBy('newPassword', 'new-password-help')}
        />
        <p id="new-password-help" className="text-xs text-zinc-600 dark:text-zinc-400">
          At least 12 characters.
        </p>
        <FieldError id="newPassword-error" message={errors.newPassword} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="confirm-password">Repeat the new password</Label>
        <Input
          id="confirm-password"
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={Boolean(errors.confirmPassword)}
          aria-describedby={describedBy('confirmPassword')}
        />
        <FieldError id="confirmPassword-error" message={errors.confirmPassword} />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? 'Changing…' : 'Change password'}
      </Button>
      <ActionMessage state={inline ? null : state} success="Password changed." />
    </form>
  );
}
