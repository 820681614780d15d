import { cn } from '@/lib/utils';

/** A bordered table that scrolls sideways inside its own box rather than widening the page. */
export function Table({ className, wrapperClassName, ...props }: React.ComponentProps<'table'> & { wrapperClassName?: string }) {
  return (
    // `relative`: visually hidden labels inside (absolutely positioned) are clipped by this box, not the page's.
    <div className={cn('relative w-full overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800', wrapperClassName)}>
      <table className={cn('w-full caption-bottom border-collapse text-sm', className)} {...props} />
    </div>
  );
}
export function TableHeader({ className, ...props }: React.ComponentProps<'thead'>) {
  return (
    <thead className={cn('bg-zinc-50 text-left text-xs uppercase tracking-wide text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400', className)} {...props} />
  );
}
export function TableBody({ className, ...props }: React.ComponentProps<'tbody'>) {
  return <tbody className={cn('divide-y divide-zinc-100 dark:divide-zinc-800', className)} {...props} />;
}
export function TableRow({ className, ...props }: React.ComponentProps<'tr'>) {
  return <tr className={cn('hover:bg-zinc-50 dark:hover:bg-zinc-900/60', className)} {...props} />;
}
export function TableHead({ className, ...props }: React.ComponentProps<'th'>) {
  return <th scope="col" className={cn('whitespace-nowrap px-3 py-2 font-medium', className)} {...props} />;
}
export function TableCell({ className, ...props }: React.ComponentProps<'td'>) {
  // Baseline, so mono ids, pills and text of different sizes line up along a row.
  return <td className={cn('px-3 py-2 align-baseline', className)} {...props} />;
}
