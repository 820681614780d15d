import { Badge } from '@/components/ui/badge';
import { cn } from '@/lib/utils';

const TONES: Record<string, string> = {
  create: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  update: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  delete: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
  publish: 'bg-violet-100 text-violet-800 dark:bg-violet-900/50 dark:text-violet-200',
  generate: 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  send: 'bg-indigo-100 text-indigo-800 dark:bg-indigo-900/50 dark:text-indigo-200',
  export: 'bg-fuchsia-100 text-fuchsia-800 dark:bg-fuchsia-900/50 dark:text-fuchsia-200',
  login_failed: 'bg-orange-100 text-orange-800 dark:bg-orange-900/50 dark:text-orange-200',
};

export function ActionPill({ action }: { action: string }) {
  return (
    <Badge className={cn('inline-block max-w-full truncate font-mono', TONES[action] ?? 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-200')}>
      {action}
    </Badge>
  );
}
