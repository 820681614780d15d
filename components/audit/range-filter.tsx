'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';
import type { AuditViewState } from '@/lib/view/search-params';
import { RANGE_LABELS, RANGE_PRESETS, type RangePreset } from '@/lib/view/time-range';
import { useViewNavigation } from './use-view-navigation';

/** `datetime-local` value (browser zone) for an instant. */
function toLocalInput(d: Date | null): string {
  if (!d) return '';
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The time range: a preset, or custom start/end in the viewer's (browser's) time zone. */
export function RangeFilter({ state }: { state: AuditViewState }) {
  const { goFilters } = useViewNavigation(state);
  const range = state.filters.range;
  const [custom, setCustom] = useState(!('preset' in range));
  const [from, setFrom] = useState(toLocalInput('preset' in range ? null : range.from));
  const [to, setTo] = useState(toLocalInput('preset' in range ? null : range.to));
  const invalid = Boolean(from && to && new Date(from) >= new Date(to));
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor="range-preset" className="sr-only">
        Time range
      </label>
      <NativeSelect
        id="range-preset"
        className="h-8"
        value={custom ? 'custom' : 'preset' in range ? range.preset : 'custom'}
        onChange={(e) => {
          if (e.target.value === 'custom') setCustom(true);
          else {
            setCustom(false);
            goFilters({ range: { preset: e.target.value as RangePreset } });
          }
        }}
      >
        {RANGE_PRESETS.map((p) => (
          <option key={p} value={p}>
            {RANGE_LABELS[p]}
          </option>
        ))}
        <option value="custom">Custom range…</option>
      </NativeSelect>
      {custom ? (
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (!invalid) goFilters({ range: { from: from ? new Date(from) : null, to: to ? new Date(to) : null } });
          }}
        >
          <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
            From
            <input
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
            />
          </label>
          <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
            To
            <input
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              aria-invalid={invalid}
              className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
            />
          </label>
          <Button type="submit" size="sm" disabled={invalid || (!from && !to)}>
            Apply
          </Button>
          {invalid ? <span className="text-xs text-red-600">The end must be after the start.</span> : null}
        </form>
      ) : null}
    </div>
  );
}
