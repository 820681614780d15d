'use client';

import { NativeSelect } from '@/components/ui/native-select';
import type { Cursor } from '@/lib/view/cursor';
import { hrefWith, PAGE_SIZES, type AuditViewState, type PageSize } from '@/lib/view/search-params';
import { useViewNavigation } from './use-view-navigation';
import { ViewLink } from './view-pending';

const linkClass = 'rounded-md border border-zinc-300 px-3 py-1.5 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900';
const disabledClass = 'rounded-md border border-zinc-200 px-3 py-1.5 text-zinc-400 dark:border-zinc-800 dark:text-zinc-500';

/** Keyset paging: first / previous / next, and the page size. Disabled while a page is loading. */
export function Pagination({ state, rowCount, next, prev }: { state: AuditViewState; rowCount: number; next: Cursor | null; prev: Cursor | null }) {
  const { go, pending } = useViewNavigation(state);
  const nav = (label: string, href: string | null, rel?: string) =>
    href && !pending ? (
      <ViewLink href={href} rel={rel} className={linkClass}>
        {label}
      </ViewLink>
    ) : (
      <span aria-disabled="true" className={disabledClass}>
        {label}
      </span>
    );
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <span className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">
        <span data-testid="page-row-count">{rowCount} on this page</span>
        <label htmlFor="page-size" className="ml-2">
          Rows per page
        </label>
        <NativeSelect id="page-size" className="h-8" value={state.size} disabled={pending} onChange={(e) => go({ size: Number(e.target.value) as PageSize })}>
          {PAGE_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </NativeSelect>
      </span>
      <span className="flex gap-2">
        {nav('« First', state.after || state.before ? hrefWith(state, {}) : null)}
        {nav('‹ Previous', prev ? hrefWith(state, { before: prev }) : null, 'prev')}
        {nav('Next ›', next ? hrefWith(state, { after: next }) : null, 'next')}
      </span>
    </nav>
  );
}
