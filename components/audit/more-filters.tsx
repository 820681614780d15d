'use client';

import { useState } from 'react';
import { Popover } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { addFilterValue } from '@/lib/view/filter-values';
import { FILTER_KEYS, FILTERS, readFilter, withFilter, type FilterKey, type FilterSpec } from '@/lib/view/filters';
import type { AuditViewState } from '@/lib/view/search-params';
import { cn } from '@/lib/utils';
import { useViewNavigation } from './use-view-navigation';

/** The filters the schema puts in this form (the facets have their own menus). */
const FIELDS = FILTER_KEYS.flatMap((key) => {
  const spec: FilterSpec = FILTERS[key];
  return spec.form ? [{ key, many: spec.many, ...spec.form }] : [];
});

type Problems = Partial<Record<FilterKey, string>>;

/**
 * Exact-match filters: user, object, event and request ids, IP/CIDR and changed field. Each value is checked
 * here by the same rules the URL parser uses: a bad one is marked on its field and the current view stays.
 */
export function MoreFilters({ state }: { state: AuditViewState }) {
  const { go } = useViewNavigation(state);
  const [problems, setProblems] = useState<Problems>({});
  const f = state.filters;
  const active = FIELDS.reduce((n, { key }) => n + readFilter(f, key).include.length + readFilter(f, key).exclude.length, 0);
  return (
    <Popover.Root onOpenChange={(open) => open || setProblems({})}>
      <Popover.Trigger asChild>
        <Button variant="outline" size="sm" className={cn(active > 0 && 'border-sky-500 bg-sky-50 dark:border-sky-600 dark:bg-sky-950')}>
          More filters
          {active > 0 ? <span className="rounded-full bg-sky-700 px-1.5 text-[10px] text-white">{active}</span> : null}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={4}
          collisionPadding={8}
          className="z-50 w-80 max-w-[calc(100vw-1rem)] rounded-lg border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <form
            noValidate
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const data = new FormData(e.currentTarget);
              const found: Problems = {};
              let next = f;
              for (const { key, many } of FIELDS) {
                const raw = String(data.get(key) ?? '');
                const values = (many ? raw.split(',') : [raw]).map((s) => s.trim()).filter(Boolean);
                // Start from no included values, so removing one from the field removes it from the view.
                let field = withFilter(next, key, [], readFilter(f, key).exclude);
                for (const v of values) {
                  const added = addFilterValue(field, key, v);
                  if (added.problem) found[key] ??= added.problem;
                  field = added.filters;
                }
                next = field;
              }
              setProblems(found);
              if (Object.keys(found).length === 0) go({ filters: next });
            }}
          >
            {FIELDS.map((field) => {
              const problem = problems[field.key];
              const errorId = `more-${field.key}-error`;
              return (
                <div key={field.key} className="space-y-1">
                  <Label htmlFor={`more-${field.key}`} className="text-xs">
                    {field.label}
                  </Label>
                  <Input
                    id={`more-${field.key}`}
                    name={field.key}
                    defaultValue={readFilter(f, field.key).include.join(',')}
                    placeholder={field.placeholder}
                    aria-invalid={problem ? true : undefined}
                    aria-describedby={problem ? errorId : undefined}
                    className="h-8"
                  />
                  {problem ? (
                    <p id={errorId} className="text-xs text-red-700 dark:text-red-400">
                      {problem}
                    </p>
                  ) : null}
                </div>
              );
            })}
            {Object.keys(problems).length > 0 ? (
              <p role="alert" className="sr-only">
                Not applied: {Object.values(problems).join(' ')}
              </p>
            ) : null}
            <Button type="submit" size="sm" className="w-full">
              Apply
            </Button>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
