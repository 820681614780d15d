'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { NativeSelect } from '@/components/ui/native-select';
import type { AuditViewState } from '@/lib/view/search-params';
import { RANGE_LABELS, RANGE_PRESETS, type RangePreset } from '@/lib/view/time-range';
import { useViewNavigation } from './use-view-navigation';

/** `YYYY-MM-DD HH:MM` in the browser's zone: the ISO form every other time on the page uses (not the locale's mm/dd/yyyy picker). */
function toLocalInput(d: Date | null): string {
  if (!d) return '';
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16).replace('T', ' ');
}

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/;

/** The instant a typed `YYYY-MM-DD[ HH:MM]` names in the browser's zone; undefined when empty, null when not a real date. */
function fromLocalInput(text: string): Date | null | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const m = LOCAL_ISO.exec(t);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4] ?? '00', m[5] ?? '00'].map(Number) as [number, number, number, number, number];
  const at = new Date(y, mo - 1, d, h, mi);
  // new Date rolls 2026-02-31 over into March: reject instead.
  return at.getFullYear() === y && at.getMonth() === mo - 1 && at.getDate() === d && at.getHours() === h && at.getMinutes() === mi ? at : null;
}

const inputClass =
  'h-8 w-[10.5rem] rounded-md border border-zinc-300 bg-white px-2 font-mono text-sm text-zinc-900 placeholder:text-zinc-500 aria-invalid:border-red-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400';

/** The time range: a preset, or custom start/end typed as ISO dates in the viewer's (browser's) time zone. */
export function RangeFilter({ state }: { state: AuditViewState }) {
  const { goFilters } = useViewNavigation(state);
  const range = state.filters.range;
  const [custom, setCustom] = useState(!('preset' in range));
  const [from, setFrom] = useState(toLocalInput('preset' in range ? null : range.from));
  const [to, setTo] = useState(toLocalInput('preset' in range ? null : range.to));
  const start = fromLocalInput(from);
  const end = fromLocalInput(to);
  const badFrom = start === null;
  const badTo = end === null;
  const reversed = Boolean(start && end && start >= end);
  const problem = badFrom || badTo ? 'Type dates as YYYY-MM-DD HH:MM (24-hour, your time zone).' : reversed ? 'The end must be after the start.' : null;
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
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!problem) goFilters({ range: { from: start ?? null, to: end ?? null } });
          }}
        >
          <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
            From
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              placeholder="YYYY-MM-DD HH:MM"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              aria-invalid={badFrom}
              aria-describedby={problem ? 'range-problem' : undefined}
              className={inputClass}
            />
          </label>
          <label className="flex items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
            To
            <input
              type="text"
              inputMode="numeric"
              autoComplete="off"
              placeholder="YYYY-MM-DD HH:MM"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              aria-invalid={badTo || reversed}
              aria-describedby={problem ? 'range-problem' : undefined}
              className={inputClass}
            />
          </label>
          <Button type="submit" size="sm" disabled={Boolean(problem) || (!start && !end)}>
            Apply
          </Button>
          {problem ? (
            <span id="range-problem" className="text-xs text-red-700 dark:text-red-400">
              {problem}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
