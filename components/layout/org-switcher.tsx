'use client';

import { useRef } from 'react';
import { switchOrganizationAction } from '@/app/(admin)/actions';

/** The current organization, or a select that switches it (`id` differs when the header renders it twice). */
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
  if (orgs.length < 2) {
    const only = orgs[0];
    return only ? <span className="text-sm font-medium">{only.name}</span> : null;
  }
  return (
    <form ref={form} action={switchOrganizationAction} className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className="sr-only">
        Organization
      </label>
      <select
        id={id}
        name="orgId"
        defaultValue={currentId ?? undefined}
        onChange={() => form.current?.requestSubmit()}
        className="h-8 max-w-full rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {orgs.map((o) => (
          <option key={o.orgId} value={o.orgId}>
            {o.name} ({o.role})
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="text-sm underline">
          Switch
        </button>
      </noscript>
    </form>
  );
}
