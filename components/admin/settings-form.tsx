'use client';

import { useActionState } from 'react';
import { updateSettingsAction } from '@/app/(admin)/settings/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import type { RetentionPolicy } from '@/lib/lifecycle/retention-policy';
import { ActionMessage } from './action-message';

type Settings = { name: string; timeZone: string; retentionDays: number; legalHold: boolean };

export function SettingsForm({
  settings,
  policy,
  zones,
  disabled,
  canHold,
}: {
  settings: Settings;
  policy: RetentionPolicy;
  zones: string[];
  disabled: boolean;
  canHold: boolean;
}) {
  const [state, action, pending] = useActionState(updateSettingsAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const scheduled = state?.ok === true && state.data.retention_pending_days !== null;
  return (
    <form action={action} className="max-w-xl space-y-4">
      <fieldset disabled={disabled} className="space-y-4">
        <div className="space-y-1.5">
          <Label htmlFor="org-name">Organization name</Label>
          <Input id="org-name" name="name" defaultValue={settings.name} required maxLength={120} aria-invalid={Boolean(errors?.name)} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="org-tz">Default time zone</Label>
          <NativeSelect id="org-tz" name="timeZone" defaultValue={settings.timeZone} className="w-full" aria-describedby="org-tz-help">
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </NativeSelect>
          <p id="org-tz-help" className="text-xs text-zinc-500 dark:text-zinc-400">
            Used for members whose browser has not reported its own zone, and for exports.
          </p>
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="org-retention" className="block">
            Retention period (days)
          </Label>
          <Input
            id="org-retention"
            name="retentionDays"
            type="number"
            // A value already below the floor may be kept (the server accepts an unchanged value), so the browser must too.
            min={Math.min(policy.minDays, settings.retentionDays)}
            max={3650}
            defaultValue={settings.retentionDays}
            aria-invalid={Boolean(errors?.retentionDays)}
            aria-describedby="org-retention-help"
            className="w-40"
          />
          <p id="org-retention-help" className="text-xs text-zinc-500 dark:text-zinc-400">
            Audit entries older than this are removed by the retention job; at least {policy.minDays} days. A longer period applies at once. Only owners can
            shorten it, and a shorter period takes effect {policy.delayDays} day{policy.delayDays === 1 ? '' : 's'} later (an owner can cancel it until then).
          </p>
        </div>
        <div className="space-y-1.5">
          <div className="flex items-center gap-2">
            {/* Unchecked boxes send nothing: the hidden "off" goes first and a checked box's "on" overrides it. */}
            {canHold ? <input type="hidden" name="legalHold" value="off" /> : null}
            <input
              id="org-legal-hold"
              name="legalHold"
              type="checkbox"
              value="on"
              defaultChecked={settings.legalHold}
              disabled={!canHold}
              aria-describedby="org-legal-hold-help"
              className="size-4"
            />
            <Label htmlFor="org-legal-hold">Legal hold: suspend retention</Label>
          </div>
          <p id="org-legal-hold-help" className="text-xs text-zinc-500 dark:text-zinc-400">
            While on, no audit entries are removed, whatever their age. Only owners can change this.
          </p>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save settings'}
        </Button>
      </fieldset>
      <ActionMessage
        state={state}
        success={
          scheduled
            ? 'Settings saved. A shorter retention period is scheduled (see above); an owner can cancel it until it takes effect.'
            : 'Settings saved. The change is in the audit log.'
        }
      />
    </form>
  );
}
