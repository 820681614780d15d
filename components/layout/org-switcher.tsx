'use client';

import { useRef } from 'react';
import { useFormStatus } from 'react-dom';
import { switchOrganizationAction } from '@/app/(admin)/actions';

/** The select, disabled while the switch is on its way (so a second change cannot race the first). */
function OrgSelect({
  id,
  currentId,
  orgs,
  onPick,
}: {
  id: string;
  currentId: string | null;
  orgs: { orgId: string; name: string; role: string }[];
  onPick: () => void;
}) {
  const { pending } = useFormStatus();
  return (
    <>
      <select
        id={id}
        name="orgId"
        defaultValue={currentId ?? undefined}
        onChange={onPick}
        aria-busy={pending}
        className="h-8 max-w-full rounded-md border border-zinc-300 bg-white px-2 text-sm disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900"
      >
        {orgs.map((o) => (
          <option key={o.orgId} value={o.orgId}>
            {o.name} ({o.role})
          </option>
        ))}
      </select>
      <span role="status" className={pending ? 'text-xs text-zinc-600 dark:text-zinc-400' : 'sr-only'}>
        {pending ? 'Switching…' : ''}
      </span>
    </>
  );
}

/**
 * The current organization, or a select that switches it (`id` differs when the header renders it twice). The switch
 * keeps the page and, on the audit log, the filters that make sense in any organization (lib/view/org-switch.ts).
 */
export function OrgSwitcher({
  orgs,
  currentId,
  id = 'org-switcher',
}: {
  orgs: { orgId: string; name: string; role: string }[];
  currentId: string | null;
  id?: string;
}) {
  const form = useRef<HTMLFormElement>(null);
  const returnTo = useRef<HTMLInputElement>(null);
  if (orgs.length < 2) {
    const only = orgs[0];
    return only ? <span className="text-sm font-medium">{only.name}</span> : null;
  }
  return (
    <form ref={form} action={switchOrganizationAction} className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className="sr-only">
        Organization
      </label>
      <input ref={returnTo} type="hidden" name="returnTo" defaultValue="" />
      <OrgSelect
        id={id}
        currentId={currentId}
        orgs={orgs}
        onPick={() => {
          if (returnTo.current) returnTo.current.value = window.location.pathname + window.location.search;
          form.current?.requestSubmit();
        }}
      />
      <noscript>
        <button type="submit" className="text-sm underline">
          Switch
        </button>
      </noscript>
    </form>
  );
}
