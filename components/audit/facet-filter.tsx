'use client';

import { useMemo, useOptimistic, useState } from 'react';
import { Popover } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { FILTERS, type Facet } from '@/lib/view/filters';
import type { AuditViewState } from '@/lib/view/search-params';
import { cn } from '@/lib/utils';
import { useViewNavigation } from './use-view-navigation';

/** Multi-select over every value the organization has ever recorded for one column. */
export function FacetFilter({ facet, options, state }: { facet: Facet; options: string[]; state: AuditViewState }) {
  const { goFilters } = useViewNavigation(state);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useOptimistic(state.filters.include[facet]);
  const excluded = state.filters.exclude[facet];
  const label = FILTERS[facet].label;
  // Values in the URL that were never recorded still show, so they can be unticked.
  const all = useMemo(() => [...new Set([...options, ...selected])].sort(), [options, selected]);
  const shown = all.filter((v) => v.toLowerCase().includes(search.toLowerCase())).slice(0, 200);
  const toggle = (value: string) => {
    const next = selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value];
    goFilters({ include: { ...state.filters.include, [facet]: next } }, () => setSelected(next));
  };
  const active = selected.length + excluded.length;
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button
          variant="outline"
          size="sm"
          className={cn(active > 0 && 'border-sky-500 bg-sky-50 dark:border-sky-600 dark:bg-sky-950')}
          aria-label={`Filter by ${label.toLowerCase()}${active ? ` (${active} selected)` : ''}`}
        >
          {label}
          {active > 0 ? <span className="rounded-full bg-sky-600 px-1.5 text-[10px] text-white">{active}</span> : null}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={4}
          className="z-50 w-72 rounded-lg border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <label className="sr-only" htmlFor={`facet-search-${facet}`}>
            Search {label.toLowerCase()} values
          </label>
          {all.length > 8 ? (
            <input
              id={`facet-search-${facet}`}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder={`Search ${label.toLowerCase()}…`}
              className="mb-2 h-8 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-950"
            />
          ) : null}
          <fieldset className="max-h-72 space-y-0.5 overflow-y-auto" aria-label={`${label} values`}>
            {shown.length === 0 ? <p className="px-2 py-3 text-sm text-zinc-600 dark:text-zinc-400">No values recorded yet.</p> : null}
            {shown.map((value) => (
              <label key={value} className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
                <input type="checkbox" checked={selected.includes(value)} onChange={() => toggle(value)} className="size-4 accent-sky-600" />
                <span className="truncate" title={value}>
                  {value}
                </span>
              </label>
            ))}
          </fieldset>
          {active > 0 ? (
            <button
              type="button"
              onClick={() => goFilters({ include: { ...state.filters.include, [facet]: [] }, exclude: { ...state.filters.exclude, [facet]: [] } })}
              className="mt-2 w-full rounded px-2 py-1 text-left text-xs text-sky-700 hover:underline dark:text-sky-400"
            >
              Clear {label.toLowerCase()} filter
            </button>
          ) : null}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
