import { cn } from '@/lib/utils';

/** A styled native <select>: keyboard, screen reader and mobile behaviour come for free. */
export function NativeSelect({ className, ...props }: React.ComponentProps<'select'>) {
  return (
    <select
      className={cn(
        'h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-600 dark:border-zinc-700 dark:bg-zinc-900',
        className,
      )}
      {...props}
    />
  );
}
