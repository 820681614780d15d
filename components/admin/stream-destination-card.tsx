import type { StreamDestinationStatus } from '@/db/queries/stream-destinations';
import { Badge } from '@/components/ui/badge';
import { formatMaybe } from '@/lib/format/dates';
import { FORMAT_LABELS, isDestinationKind, KINDS, type StreamFormat } from '@/lib/streams/kinds';
import { parseStreamFilter } from '@/lib/streams/stream-filter';
import { StreamDestinationControls } from './stream-destination-controls';

/** "3 min" / "42 s" behind. */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

function status(d: StreamDestinationStatus): { label: string; className: string } {
  if (d.paused) return { label: 'Paused', className: 'bg-zinc-200 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200' };
  if (d.unhealthy) return { label: 'Failing', className: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200' };
  if (d.consecutiveFailures > 0) return { label: 'Retrying', className: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200' };
  if (d.cursor >= d.headSeq) return { label: 'Caught up', className: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200' };
  return { label: 'Delivering', className: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200' };
}

function target(d: StreamDestinationStatus): string {
  const c = d.config as { url?: string; host?: string; port?: number };
  return c.url ?? `${c.host ?? '?'}:${c.port ?? '?'}`;
}

/** One destination: where it sends, what, and its health (last delivered, lag, failures, last error). */
export function StreamDestinationCard({
  d,
  zone,
  now,
  canManage,
  firstSeq,
}: {
  d: StreamDestinationStatus;
  zone: string;
  now: Date;
  canManage: boolean;
  firstSeq: number | null;
}) {
  const s = status(d);
  const kindLabel = isDestinationKind(d.kind) ? KINDS[d.kind].label : d.kind;
  const filter = parseStreamFilter(d.filter);
  const lagEvents = Math.max(0, d.headSeq - d.cursor);
  const lagSeconds = d.oldestPendingAt ? now.getTime() - d.oldestPendingAt.getTime() : 0;
  return (
    <article className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800" data-stream={d.name} aria-labelledby={`stream-${d.id}`}>
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={`stream-${d.id}`} className="font-medium">
            {d.name}
          </h2>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            {kindLabel} · {FORMAT_LABELS[d.format as StreamFormat]?.split(' (')[0] ?? d.format}
          </p>
          <p className="break-all font-mono text-xs">{target(d)}</p>
        </div>
        <Badge className={s.className} data-testid="stream-status">
          {s.label}
        </Badge>
      </header>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {filter.ok && filter.value.words.length > 0 ? `Only entries where ${filter.value.words.join('; ')}` : 'Every entry'}
      </p>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-5">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Delivered through</dt>
          <dd className="font-mono" data-testid="stream-cursor">
            #{d.cursor}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Last delivery</dt>
          <dd className="font-mono text-xs">{formatMaybe(d.lastDeliveredAt, zone)}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Lag</dt>
          <dd data-testid="stream-lag">
            {lagEvents === 0 ? 'none' : `${lagEvents} entr${lagEvents === 1 ? 'y' : 'ies'}, ${duration(lagSeconds)} behind #${d.headSeq}`}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Consecutive failures</dt>
          <dd data-testid="stream-failures">{d.consecutiveFailures}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Signed checkpoints</dt>
          <dd
            className="font-mono text-xs"
            data-testid="stream-checkpoints"
            title="Signed checkpoints up to this tree size have been sent (or were signed before the destination was added or replayed from)"
          >
            {d.checkpointCursor > 0 ? `through size ${d.checkpointCursor}` : 'none yet'}
          </dd>
        </div>
      </dl>
      {d.lastError ? (
        <p className="break-words rounded-md bg-red-50 px-3 py-2 text-xs text-red-900 dark:bg-red-950 dark:text-red-100" data-testid="stream-last-error">
          Last error: {d.lastError}
          {d.consecutiveFailures > 0 && !d.paused ? ` · next attempt ${formatMaybe(d.nextAttemptAt, zone)}` : ''}
        </p>
      ) : null}
      {canManage ? <StreamDestinationControls id={d.id} name={d.name} paused={d.paused} firstSeq={firstSeq} /> : null}
    </article>
  );
}
