'use client';

import { useId, useState, useSyncExternalStore } from 'react';
import dynamic from 'next/dynamic';
import { Button } from '@/components/ui/button';
import { canonical } from '@/lib/recording/diff';
import { cn } from '@/lib/utils';

// Loaded on first use only: the diff library (and its styling runtime) stays out of the page's bundle.
const JsonDiffViewer = dynamic(() => import('./json-diff-viewer').then((m) => m.JsonDiffViewer), {
  ssr: false,
  loading: () => <p className="px-3 py-6 text-sm text-zinc-500 dark:text-zinc-400">Loading difference…</p>,
});

/** Key-sorted, two-space JSON: the same text for the same value whatever order its keys were stored in. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(canonical(value), null, 2);
}

// An absent side diffs as empty, so a create shows every line added rather than `null` replaced.
const side = (value: unknown) => (value === null || value === undefined ? '' : prettyJson(value));

const VIEWS = [
  { split: true, label: 'Split' },
  { split: false, label: 'Unified' },
] as const;

// Below this width two columns of JSON side by side are unreadable: the diff is always unified.
const NARROW_QUERY = '(max-width: 767px)';

function subscribeToWidth(onChange: () => void) {
  const media = window.matchMedia(NARROW_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

function useNarrowScreen(): boolean {
  return useSyncExternalStore(
    subscribeToWidth,
    () => window.matchMedia(NARROW_QUERY).matches,
    () => false,
  );
}

/** "View difference": a before/after comparison of the snapshots, shown on demand, split or unified (unified on a phone). */
export function JsonDiff({ before, after }: { before: unknown; after: unknown }) {
  const [shown, setShown] = useState(false);
  const [chosenSplit, setSplitView] = useState(true);
  const narrow = useNarrowScreen();
  const splitView = chosenSplit && !narrow;
  const panelId = useId();

  if ((before === null || before === undefined) && (after === null || after === undefined)) {
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No snapshot recorded for this event.</p>;
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="outline" size="sm" aria-expanded={shown} aria-controls={panelId} onClick={() => setShown((s) => !s)}>
          {shown ? 'Hide difference' : 'View difference'}
        </Button>
        {shown && !narrow ? (
          <div role="group" aria-label="Difference layout" className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
            {VIEWS.map((v) => (
              <button
                key={v.label}
                type="button"
                aria-pressed={splitView === v.split}
                onClick={() => setSplitView(v.split)}
                className={cn(
                  'rounded px-2.5 py-1 text-xs font-medium text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
                  splitView === v.split && 'bg-zinc-900 text-white hover:text-white dark:bg-zinc-100 dark:text-zinc-900 dark:hover:text-zinc-900',
                )}
              >
                {v.label}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <div id={panelId} hidden={!shown} className="overflow-x-auto rounded-md border border-zinc-200 text-xs dark:border-zinc-800">
        {shown ? <JsonDiffViewer before={side(before)} after={side(after)} splitView={splitView} /> : null}
      </div>
    </div>
  );
}
