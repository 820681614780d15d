import type { AuditCount } from '@/db/queries/audit-events';

/** "1,234 events", "≈ 1.2M events (estimate)" once counting exactly would cost a full scan, or "more than 10,000 events". */
export function describeCount({ count: n, exact, atLeast }: AuditCount): string {
  if (exact) return `${n.toLocaleString('en-US')} ${n === 1 ? 'event' : 'events'}`;
  if (atLeast) return `more than ${(n - 1).toLocaleString('en-US')} events`;
  return `≈ ${new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n)} events (estimate)`;
}

export async function TotalCount({ count }: { count: Promise<AuditCount> }) {
  const resolved = await count;
  return (
    <p
      className="text-sm text-zinc-500 dark:text-zinc-400"
      data-testid="total-count"
      title={resolved.exact ? 'Exact count' : 'Exact counts stop at 10,000 so the page stays fast'}
    >
      {describeCount(resolved)}
    </p>
  );
}
