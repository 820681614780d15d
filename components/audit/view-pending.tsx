'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { createContext, use, useTransition, type ComponentProps, type TransitionStartFunction } from 'react';
import { cn } from '@/lib/utils';

type ViewPending = { pending: boolean; start: TransitionStartFunction };
const ViewPendingContext = createContext<ViewPending | null>(null);

/**
 * One navigation transition for the whole audit view: every filter, sort, page and detail change runs in it,
 * so the page can show a top bar, dim the stale rows and disable paging until the new rows arrive.
 */
export function ViewPendingProvider({ children }: { children: React.ReactNode }) {
  const [pending, start] = useTransition();
  return (
    <ViewPendingContext value={{ pending, start }}>
      <div
        aria-hidden="true"
        data-testid="view-progress"
        className={cn('pointer-events-none fixed inset-x-0 top-0 z-[60] h-1 overflow-hidden', !pending && 'hidden')}
      >
        <div className="view-progress-bar h-full w-1/3 bg-sky-600 dark:bg-sky-400" />
      </div>
      <p className="sr-only" aria-live="polite">
        {pending ? 'Loading events…' : ''}
      </p>
      {children}
    </ViewPendingContext>
  );
}

/** The shared transition, or a local one outside the provider (a component rendered on its own). */
export function useViewPending(): ViewPending {
  const shared = use(ViewPendingContext);
  const [pending, start] = useTransition();
  return shared ?? { pending, start };
}

/** `router.push` inside the shared transition. */
export function useViewPush() {
  const router = useRouter();
  const { pending, start } = useViewPending();
  const push = (href: string, before?: () => void) =>
    start(() => {
      before?.();
      router.push(href, { scroll: false });
    });
  return { push, pending };
}

/** A link within the audit view whose navigation shows as pending; modified clicks (new tab) behave as usual. */
export function ViewLink({ href, onClick, ...props }: Omit<ComponentProps<typeof Link>, 'href'> & { href: string }) {
  const { push } = useViewPush();
  return (
    <Link
      href={href}
      scroll={false}
      {...props}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        push(href);
      }}
    />
  );
}

/**
 * ViewLink for the table's rows (two a row, a hundred a page): a plain anchor with the same click handling. Every
 * click that stays in this tab is ViewLink's own push, so next/link's machinery (its router state, prefetch
 * bookkeeping) only cost server rendering and hydration time per row; the element and its behaviour are the same.
 */
export function RowLink({ href, onClick, ...props }: Omit<ComponentProps<'a'>, 'href'> & { href: string }) {
  const { push } = useViewPush();
  return (
    <a
      href={href}
      {...props}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        push(href);
      }}
    />
  );
}

/** Dims what it wraps while the view is loading, and marks it busy for assistive technology. */
export function PendingRegion({ className, children }: { className?: string; children: React.ReactNode }) {
  const { pending } = useViewPending();
  return (
    <div
      aria-busy={pending || undefined}
      data-pending={pending || undefined}
      className={cn('transition-opacity duration-150', pending && 'opacity-50', className)}
    >
      {children}
    </div>
  );
}
