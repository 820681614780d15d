'use client';

import { useActionState, useState } from 'react';
import { createStreamDestinationAction } from '@/app/(admin)/streams/actions';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NativeSelect } from '@/components/ui/native-select';
import type { KindField } from '@/lib/streams/kinds';
import { ActionMessage } from './action-message';
import { ShownOnce } from './shown-once';

/** A destination kind as the form offers it (from lib/streams/kinds.ts, computed on the server). */
export type KindOption = {
  value: string;
  label: string;
  available: boolean;
  fields: KindField[];
  formats: { value: string; label: string }[];
  generatedSecret: string | null;
};

const fieldClass = 'w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900';

function FieldInput({ field, invalid }: { field: KindField; invalid: boolean }) {
  const id = `stream-${field.name}`;
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{field.label}</Label>
      {field.input === 'pem' ? (
        <textarea id={id} name={field.name} rows={3} className={fieldClass} placeholder="-----BEGIN CERTIFICATE-----" aria-invalid={invalid} />
      ) : (
        <Input
          id={id}
          name={field.name}
          type={field.input === 'secret' ? 'password' : field.input === 'number' ? 'number' : field.input === 'url' ? 'url' : 'text'}
          required={field.required}
          autoComplete="off"
          placeholder={field.hint}
          aria-invalid={invalid}
        />
      )}
      {field.input === 'pem' && field.hint ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{field.hint}</p> : null}
    </div>
  );
}

export function StreamDestinationForm({ kinds, startOpen }: { kinds: KindOption[]; startOpen: boolean }) {
  const [state, action, pending] = useActionState(createStreamDestinationAction, null);
  const [kindValue, setKindValue] = useState(kinds.find((k) => k.available)?.value ?? kinds[0]!.value);
  const kind = kinds.find((k) => k.value === kindValue)!;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <details open={startOpen || state !== null} className="group rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <summary className="cursor-pointer font-medium">Add a destination</summary>
      <form action={action} className="mt-4 space-y-4" aria-label="Add a destination">
        <div className="grid gap-4 md:grid-cols-2">
          <div className="space-y-1.5">
            <Label htmlFor="stream-kind">Kind</Label>
            <NativeSelect id="stream-kind" name="kind" className="w-full" value={kindValue} onChange={(e) => setKindValue(e.target.value)}>
              {kinds.map((k) => (
                <option key={k.value} value={k.value} disabled={!k.available}>
                  {k.label}
                  {k.available ? '' : ' (not in this build)'}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="stream-name">Name</Label>
            <Input id="stream-name" name="name" required maxLength={80} placeholder="e.g. SIEM (production)" aria-invalid={Boolean(errors?.name)} />
          </div>
          {kind.fields.map((f) => (
            <FieldInput key={`${kind.value}-${f.name}`} field={f} invalid={Boolean(errors?.[f.name])} />
          ))}
          <div className="space-y-1.5">
            <Label htmlFor="stream-format">Format</Label>
            <NativeSelect id="stream-format" name="format" className="w-full" key={kind.value}>
              {kind.formats.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div className="space-y-1.5 md:col-span-2">
            <Label htmlFor="stream-filter">Filter (optional)</Label>
            <Input
              id="stream-filter"
              name="filter"
              maxLength={4000}
              placeholder="result=failure&action=delete   or   action:delete -result:success"
              aria-describedby="stream-filter-help"
              aria-invalid={Boolean(errors?.filter)}
            />
            <p id="stream-filter-help" className="text-xs text-zinc-500 dark:text-zinc-400">
              The Events page&apos;s filters: paste its URL or parameters, or a search. Empty: every entry. The time range is ignored: a destination gets every
              matching entry from now on (replay reaches back).
            </p>
          </div>
        </div>
        <Button type="submit" disabled={pending || !kind.available}>
          {pending ? 'Adding…' : 'Add destination'}
        </Button>
        <ActionMessage
          state={state}
          success={
            state?.ok ? (
              <div className="space-y-2">
                <p>
                  Destination <strong>{state.data.name}</strong> added. It receives entries from now on.
                </p>
                {state.data.secret ? (
                  <>
                    <p>
                      {state.data.secret.label}: copy it into your receiver now; it is stored encrypted and <strong>will not be shown again</strong>.
                    </p>
                    <ShownOnce value={state.data.secret.value} testId="new-stream-secret" />
                  </>
                ) : null}
              </div>
            ) : null
          }
        />
      </form>
    </details>
  );
}
