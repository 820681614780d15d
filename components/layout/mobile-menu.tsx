'use client';

import { useEffect, useId, useState } from 'react';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';
import { NavLinks } from './nav-links';
import type { NavItem } from './nav-items';

/** Below `lg` the header's links and account controls fold into this menu; it closes on navigation and Escape. */
export function MobileMenu({ items, className, children }: { items: readonly NavItem[]; className?: string; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [shownFor, setShownFor] = useState(pathname);
  const panelId = useId();
  // A link in the menu was followed: close it (render-time sync, no effect needed).
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <div className={className}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex h-9 items-center gap-2 rounded-md border border-zinc-300 px-3 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
      >
        <span aria-hidden="true" className="text-base leading-none">
          {open ? '×' : '☰'}
        </span>
        Menu
      </button>
      <div
        id={panelId}
        hidden={!open}
        className={cn('absolute inset-x-0 top-14 z-40 border-b border-zinc-200 bg-white px-4 pb-4 pt-2 shadow-lg dark:border-zinc-800 dark:bg-zinc-950')}
      >
        {open ? (
          <>
            <NavLinks items={items} vertical />
            <div className="mt-3 flex flex-col gap-3 border-t border-zinc-200 pt-3 dark:border-zinc-800">{children}</div>
          </>
        ) : null}
      </div>
    </div>
  );
}
