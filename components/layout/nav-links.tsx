'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';
import type { NavItem } from './nav-items';

/** The main navigation: a row in the header, or a column in the phone menu (`vertical`). */
export function NavLinks({ items, vertical = false, className }: { items: readonly NavItem[]; vertical?: boolean; className?: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className={cn('text-sm', vertical ? 'flex flex-col gap-0.5' : 'flex items-center gap-1', className)}>
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={cn(
              'rounded-md px-2.5 py-1.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-white',
              vertical && 'px-3 py-2.5 text-base',
              active && 'bg-zinc-100 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-white',
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
