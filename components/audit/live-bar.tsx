'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { useLiveTail } from './live-tail';
import { useViewPending } from './view-pending';

const PILL =
  'pointer-events-auto rounded-full bg-sky-700 px-4 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 dark:bg-sky-300 dark:text-zinc-950 dark:hover:bg-sky-200';

/**
 * Above the table while Live is on: a marker telling whether the table's top is out of sight (then new rows are
 * held rather than pushed in under the reader), and the "N new events" pill that shows them. Both take no space,
 * so the table never moves when the pill appears.
 */
export function LiveBar() {
  const live = useLiveTail();
  const router = useRouter();
  const { start } = useViewPending();
  const marker = useRef<HTMLDivElement>(null);
  const on = live?.on ?? false;
  const setScrolledAway = live?.setScrolledAway;

  useEffect(() => {
    const el = marker.current;
    if (!on || !el || !setScrolledAway) return;
    // Away = scrolled past the top of the table (with some slack); a table still below the fold is not "away".
    const observer = new IntersectionObserver(([entry]) => entry && setScrolledAway(!entry.isIntersecting && entry.boundingClientRect.top < 0), {
      rootMargin: '120px 0px 0px 0px',
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      setScrolledAway(false);
    };
  }, [on, setScrolledAway]);

  if (!live) return null;
  const toTop = () => marker.current?.scrollIntoView({ block: 'start' });
  const pill = live.overflow ? (
    <button
      type="button"
      className={PILL}
      onClick={() =>
        start(() => {
          router.refresh();
          live.clearAfterReload();
          toTop();
        })
      }
    >
      Many new events: reload
    </button>
  ) : live.held > 0 ? (
    <button
      type="button"
      className={PILL}
      onClick={() => {
        live.showHeld();
        toTop();
      }}
    >
      {live.held === 1 ? '1 new event' : `${live.held.toLocaleString('en-US')} new events`}
      {live.paused ? ' (paused)' : ''}
    </button>
  ) : null;

  return (
    <>
      <div ref={marker} className="mb-0 h-0 scroll-mt-4" aria-hidden />
      <div className="pointer-events-none sticky top-3 z-20 mb-0 flex h-0 items-start justify-center" data-testid="live-bar">
        {pill}
      </div>
      <p className="sr-only" aria-live="polite">
        {live.held > 0 ? `${live.held} new events` : live.status === 'live' ? 'Live: new events appear at the top of the table' : ''}
      </p>
      {live.message ? (
        <p role="status" className="text-sm text-amber-800 dark:text-amber-300">
          {live.message}
        </p>
      ) : null}
    </>
  );
}
