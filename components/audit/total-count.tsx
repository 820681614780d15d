import type { AuditCount } from '@/db/queries/audit-events';

/** "1,234 events", or "≈ 1.2 million events (estimate)" once counting exactly would cost a full scan. */
export async function TotalCount({ count }: { count: Promise<AuditCount> }) {
  const { count: n, exact } = await count;
  const text = exact ? `${n.toLocaleString('en-US')} ${n === 1 ? 'event' : 'events'}` : `≈ ${new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n)} events (estimate)`;
  return (
    <p className="text-sm text-zinc-500 dark:text-zinc-400" data-testid="total-count" title={exact ? 'Exact count' : 'Planner estimate: exact counts stop at 10,000 so the page stays fast'}>
      {text}
    </p>
  );
}
