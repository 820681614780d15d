'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { toQuery } from '@/lib/view/query-language';
import { hrefWith, type AuditViewState } from '@/lib/view/search-params';

const EXAMPLE = 'action:update actor:alice@acme.test -result:success ip:10.0.0.0/8 field:role created:>=2026-11-01 "quoted phrase"';

/**
 * The filters as a GitHub-style query. Submitting sends `q`; the server parses it into the same state the
 * controls edit and redirects to the canonical URL, so both always show one state.
 */
export function QueryBox({ state }: { state: AuditViewState }) {
  const router = useRouter();
  const current = toQuery(state.filters);
  const [value, setValue] = useState(current);
  const [synced, setSynced] = useState(current);
  // The controls changed the filters: show their query (render-time sync, no effect needed).
  if (synced !== current) {
    setSynced(current);
    setValue(current);
  }
  return (
    <form
      role="search"
      className="flex min-w-0 flex-1 items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const base = hrefWith(state, {});
        router.push(`${base}${base.includes('?') ? '&' : '?'}q=${encodeURIComponent(value)}`, { scroll: false });
      }}
    >
      <label htmlFor="audit-query" className="sr-only">
        Search and filter events
      </label>
      <input
        id="audit-query"
        name="q"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={`Search… e.g. ${EXAMPLE}`}
        autoComplete="off"
        spellCheck={false}
        className="h-9 min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-3 font-mono text-sm placeholder:font-sans placeholder:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900"
      />
      <Button type="submit" size="default">
        Search
      </Button>
    </form>
  );
}
