'use client';

import { Popover } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { FILTER_KEYS, FILTERS, readFilter, withFilter, type FilterSpec } from '@/lib/view/filters';
import type { AuditViewState } from '@/lib/view/search-params';
import { cn } from '@/lib/utils';
import { useViewNavigation } from './use-view-navigation';

/** The filters the schema puts in this form (the facets have their own menus). */
const FIELDS = FILTER_KEYS.flatMap((key) => {
  const spec: FilterSpec = FILTERS[key];
  return spec.form ? [{ key, many: spec.many, ...spec.form }] : [];
});

/** Exact-match filters: user, object, event and request ids, IP/CIDR and changed field. Validated by the server. */
export function MoreFilters({ state }: { state: AuditViewState }) {
  const { go } = useViewNavigation(state);
  const f = state.filters;
  const active = FIELDS.reduce((n, { key }) => n + readFilter(f, key).include.length + readFilter(f, key).exclude.length, 0);
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button variant="outline" size="sm" className={cn(active > 0 && 'border-sky-500 bg-sky-50 dark:border-sky-600 dark:bg-sky-950')}>
          More filters
          {active > 0 ? <span className="rounded-full bg-sky-600 px-1.5 text-[10px] text-white">{active}</span> : null}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={4}
          className="z-50 w-80 rounded-lg border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const data = new FormData(e.currentTarget);
              // Sent as typed: the server validates (a bad IP or id comes back as a clear notice, not a crash).
              let next = f;
              for (const { key, many } of FIELDS) {
                const raw = String(data.get(key) ?? '').trim();
                const values = (many ? raw.split(',') : [raw]).map((s) => s.trim()).filter(Boolean);
                next = withFilter(next, key, values, readFilter(f, key).exclude);
              }
              go({ filters: next });
            }}
          >
            {FIELDS.map((field) => (
              <div key={field.key} className="space-y-1">
                <Label htmlFor={`more-${field.key}`} className="text-xs">
                  {field.label}
                </Label>
                <Input
                  id={`more-${field.key}`}
                  name={field.key}
                  defaultValue={readFilter(f, field.key).include.join(',')}
                  placeholder={field.placeholder}
                  className="h-8"
                />
              </div>
            ))}
            <Button type="submit" size="sm" className="w-full">
              Apply
            </Button>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
