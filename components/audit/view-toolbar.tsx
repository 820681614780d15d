'use client';

import { useRouter } from 'next/navigation';
import { useOptimistic, useState, useTransition } from 'react';
import { Popover } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { COLUMNS, hrefWith, visibleColumns, type AuditViewState, type Column } from '@/lib/view/search-params';
import { useViewNavigation } from './use-view-navigation';
import { ViewLink } from './view-pending';

export const COLUMN_LABELS: Record<Column, string> = {
  time: 'Time',
  actor: 'User',
  actor_id: 'Actor id',
  ip: 'IP',
  action: 'Action',
  type: 'Object type',
  object: 'Object id',
  module: 'Module',
  project: 'Project',
  message: 'Message',
  changes: 'Changes',
  data: 'Before / after',
  result: 'Result',
  source: 'Source',
  request_id: 'Request id',
};

/** Refresh, reset, copy link, visible columns and the UTC/local switch. */
export function ViewToolbar({ state, pinnedHref }: { state: AuditViewState; pinnedHref: string }) {
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const [copied, setCopied] = useState(false);
  const { go } = useViewNavigation(state);
  const [visible, setVisible] = useOptimistic<readonly Column[]>(visibleColumns(state));
  return (
    <div className="flex items-center gap-2 md:flex-wrap">
      <Button variant="outline" size="sm" onClick={() => startRefresh(() => router.refresh())} disabled={refreshing} title="Run the same view again">
        {refreshing ? 'Refreshing…' : 'Refresh'}
      </Button>
      <Button variant="outline" size="sm" asChild>
        <ViewLink href="/audit" title="Back to the default view: last 24 hours, newest first, no filters">
          Reset
        </ViewLink>
      </Button>
      <Button
        variant="outline"
        size="sm"
        title="Copies a link with this exact time window, so a colleague sees the same rows"
        onClick={async () => {
          await navigator.clipboard.writeText(new URL(pinnedHref, window.location.origin).toString());
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        }}
      >
        {copied ? 'Link copied' : 'Copy link'}
      </Button>
      <Popover.Root>
        <Popover.Trigger asChild>
          <Button variant="outline" size="sm">
            Columns
          </Button>
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            align="end"
            sideOffset={4}
            className="z-50 max-h-[min(32rem,var(--radix-popover-content-available-height))] w-52 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
          >
            <fieldset aria-label="Visible columns" className="space-y-0.5">
              {COLUMNS.map((c) => (
                <label key={c} className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
                  <input
                    type="checkbox"
                    className="size-4 accent-sky-600"
                    checked={visible.includes(c)}
                    disabled={visible.length === 1 && visible.includes(c)}
                    onChange={() => {
                      const cols = visible.includes(c) ? visible.filter((x) => x !== c) : COLUMNS.filter((x) => x === c || visible.includes(x));
                      go({ cols, after: state.after, before: state.before }, () => setVisible(cols));
                    }}
                  />
                  {COLUMN_LABELS[c]}
                </label>
              ))}
            </fieldset>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
      <div role="group" aria-label="Time zone" className="inline-flex overflow-hidden rounded-md border border-zinc-300 text-xs dark:border-zinc-700">
        {(['local', 'utc'] as const).map((tz) => (
          <ViewLink
            key={tz}
            href={hrefWith(state, { tz, after: state.after, before: state.before })}
            aria-current={state.tz === tz ? 'true' : undefined}
            className={
              state.tz === tz
                ? 'bg-zinc-900 px-2.5 py-1.5 text-white dark:bg-zinc-100 dark:text-zinc-900'
                : 'px-2.5 py-1.5 hover:bg-zinc-100 dark:hover:bg-zinc-800'
            }
          >
            {tz === 'utc' ? 'UTC' : 'Local'}
          </ViewLink>
        ))}
      </div>
    </div>
  );
}
