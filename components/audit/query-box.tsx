'use client';

import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { parseQuery, toQuery } from '@/lib/view/query-language';
import { hrefWith, type AuditViewState } from '@/lib/view/search-params';
import { useViewPush } from './view-pending';

const EXAMPLE = 'action:update actor:alice@acme.test -result:success ip:10.0.0.0/8 field:role created:>=2026-11-01 "quoted phrase"';

/**
 * The filters as a GitHub-style query. It is checked here with the server's own parser: a query with problems
 * shows them under the box and the current view stays. A clean one is sent as `q`; the server parses it into
 * the state the controls edit and redirects to the canonical URL, so both always show one state.
 */
export function QueryBox({ state }: { state: AuditViewState }) {
  const { push } = useViewPush();
  const current = toQuery(state.filters);
  const [value, setValue] = useState(current);
  const [synced, setSynced] = useState(current);
  const [problems, setProblems] = useState<string[]>([]);
  const errorId = useId();
  // The controls changed the filters: show their query (render-time sync, no effect needed).
  if (synced !== current) {
    setSynced(current);
    setValue(current);
    setProblems([]);
  }
  return (
    <form
      role="search"
      className="flex min-w-0 basis-full flex-col gap-1 lg:min-w-[24rem] lg:flex-1 lg:basis-auto"
      onSubmit={(e) => {
        e.preventDefault();
        // Only the wording of the issues depends on the zone; the server resolves dates in the viewer's zone.
        const { issues } = parseQuery(value, Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
        setProblems(issues.map((i) => i.message));
        if (issues.length > 0) return;
        const base = hrefWith(state, {});
        push(`${base}${base.includes('?') ? '&' : '?'}q=${encodeURIComponent(value)}`);
      }}
    >
      <div className="flex min-w-0 items-center gap-2">
        <label htmlFor="audit-query" className="sr-only">
          Search and filter events
        </label>
        <input
          id="audit-query"
          name="q"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            if (problems.length) setProblems([]);
          }}
          placeholder={`Search… e.g. ${EXAMPLE}`}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={problems.length > 0 || undefined}
          aria-describedby={problems.length > 0 ? errorId : undefined}
          className="h-9 min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-3 font-mono text-sm placeholder:font-sans placeholder:text-zinc-500 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
        />
        <Button type="submit" size="default">
          Search
        </Button>
      </div>
      {problems.length > 0 ? (
        <div id={errorId} role="alert" data-testid="query-problems" className="text-sm text-red-700 dark:text-red-400">
          <p>Not searched; fix the query first:</p>
          <ul className="list-disc pl-5">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
