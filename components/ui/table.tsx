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
/** TableRow's and TableCell's own classes, for tables that merge their classes once instead of per cell. */
export const TABLE_ROW_CLASS = 'hover:bg-zinc-50 dark:hover:bg-zinc-900/60';
export const TABLE_CELL_CLASS = 'px-3 py-2 align-baseline';

export function TableRow({ className, ...props }: React.ComponentProps<'tr'>) {
  return <tr className={cn(TABLE_ROW_CLASS, className)} {...props} />;
}
export function TableHead({ className, ...props }: React.ComponentProps<'th'>) {
  return <th scope="col" className={cn('whitespace-nowrap px-3 py-2 font-medium', className)} {...props} />;
}
export function TableCell({ className, ...props }: React.ComponentProps<'td'>) {
  // Baseline, so mono ids, pills and text of different sizes line up along a row.
  return <td className={cn(TABLE_CELL_CLASS, className)} {...props} />;
}

/**
 * Classes that turn a table into a list of cards below md (a phone): no header row on screen (still read by screen
 * readers), each row a card, each cell a line led by its column's name (`data-label`, see StackedCell).
 */
export const STACKED = {
  table: 'max-md:block',
  wrapper: 'max-md:overflow-x-visible',
  header: 'max-md:sr-only',
  body: 'max-md:block',
  row: 'max-md:block max-md:px-3 max-md:py-2.5',
} as const;

/** A cell of a STACKED table: on a phone one line, its column's name (`label`) on the left and the value beside it. */
export function StackedCell({ label, className, ...props }: React.ComponentProps<'td'> & { label: string }) {
  return (
    <TableCell
      data-label={label}
      className={cn(
        'max-md:flex max-md:min-w-0 max-md:items-baseline max-md:gap-3 max-md:px-0 max-md:py-0.5 max-md:break-words',
        'max-md:before:w-24 max-md:before:shrink-0 max-md:before:font-sans max-md:before:text-xs max-md:before:text-zinc-600 max-md:before:content-[attr(data-label)] dark:max-md:before:text-zinc-400',
        className,
      )}
      {...props}
    />
  );
}
