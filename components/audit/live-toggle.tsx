'use client';

import { Button } from '@/components/ui/button';
import { cn } from '@/lib/utils';
import { useLiveTail } from './live-tail';
import { useViewPush } from './view-pending';

/** "Live" (on/off) and, while on, "Pause"/"Resume". Turning it on from another sort or page goes to the newest first. */
export function LiveToggle() {
  const live = useLiveTail();
  const { push } = useViewPush();
  if (!live) return null;
  const dot = live.status === 'live' ? 'bg-emerald-500' : live.status === 'connecting' ? 'bg-amber-500' : 'bg-zinc-400 dark:bg-zinc-500';
  return (
    <div role="group" aria-label="Live tail" className="flex shrink-0 items-center gap-1">
      <Button
        variant="outline"
        size="sm"
        aria-pressed={live.on}
        data-status={live.status}
        title={live.on ? 'Stop following new events' : 'Show new events at the top as they are recorded (newest first)'}
        onClick={() => {
          if (live.on) return live.setOn(false);
          live.setOn(true);
          if (!live.eligible) push(live.liveHref);
        }}
        className={cn(live.on && 'border-emerald-600 dark:border-emerald-500')}
      >
        <span aria-hidden className={cn('size-2 rounded-full', dot, live.status === 'live' && 'motion-safe:animate-pulse')} />
        Live
      </Button>
      {live.on ? (
        <Button
          variant="outline"
          size="sm"
          onClick={() => live.setPaused(!live.paused)}
          title={live.paused ? 'Show new events as they come' : 'Hold new events back'}
        >
          {live.paused ? 'Resume' : 'Pause'}
        </Button>
      ) : null}
    </div>
  );
}
