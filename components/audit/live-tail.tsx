'use client';

import { createContext, use, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditListRow } from '@/db/queries/audit-events';
import { useLiveStream } from './use-live-stream';

/** Live rows kept on the page at most (shown and held each); older ones are still there after a reload. */
const KEEP = 500;

export type LiveTail = {
  /** Live is on (the stream is open while the view is newest-first, first page). */
  on: boolean;
  paused: boolean;
  status: 'off' | 'connecting' | 'live';
  /** Why the stream ended, when it did by itself (signed out, another tab...). */
  message: string | null;
  /** The view can be followed live as it is (newest first, first page). */
  eligible: boolean;
  /** This view, newest first, first page: where turning Live on goes when the view is not eligible. */
  liveHref: string;
  /** New rows on the page (newest first), and the ones held back while paused or scrolled down. */
  shown: AuditListRow[];
  held: number;
  /** More arrived at once than the stream sends: the bar offers a reload. */
  overflow: boolean;
  setOn(on: boolean): void;
  setPaused(paused: boolean): void;
  /** Whether the top of the table is out of sight (then new rows are held, not inserted under the reader). */
  setScrolledAway(away: boolean): void;
  /** Puts the held rows on the page. */
  showHeld(): void;
  /** After an overflow, once the page has been read again: starts over from the new page. */
  clearAfterReload(): void;
};

const LiveTailContext = createContext<LiveTail | null>(null);

const merge = (incoming: AuditListRow[], existing: AuditListRow[]) => {
  const ids = new Set(incoming.map((r) => r.id));
  return [...incoming, ...existing.filter((r) => !ids.has(r.id))].slice(0, KEEP);
};

/**
 * The audit view's live tail: the stream of new matching entries for the current filters (`query`), read from
 * `since` (the chain position the page was read at, so nothing recorded in between is missed). Rows go on top of
 * the table, or are held and counted while paused or scrolled away from the top.
 */
export function LiveTailProvider({
  query,
  since,
  eligible,
  liveHref,
  children,
}: {
  query: string;
  since: number;
  eligible: boolean;
  liveHref: string;
  children: React.ReactNode;
}) {
  const [on, setOn] = useState(false);
  const [paused, setPaused] = useState(false);
  const [scrolledAway, setScrolledAway] = useState(false);
  const [status, setStatus] = useState<'connecting' | 'live'>('connecting');
  const [message, setMessage] = useState<string | null>(null);
  const [shown, setShown] = useState<AuditListRow[]>([]);
  const [held, setHeld] = useState<AuditListRow[]>([]);
  const [overflow, setOverflow] = useState(false);
  const holding = paused || scrolledAway;
  const holdingRef = useRef(holding);
  useEffect(() => {
    holdingRef.current = holding;
  }, [holding]);

  // A new view (other filters) or leaving the first newest-first page starts from nothing.
  const viewKey = `${query}|${eligible}`;
  const [lastKey, setLastKey] = useState(viewKey);
  if (lastKey !== viewKey) {
    setLastKey(viewKey);
    setShown([]);
    setHeld([]);
    setOverflow(false);
    // Sorting or paging away turns Live off; it stays on across filter changes.
    if (!eligible && lastKey.endsWith('|true')) setOn(false);
  }

  useLiveStream(on && eligible, query, since, {
    onRows: (rows) => (holdingRef.current ? setHeld((h) => merge(rows, h)) : setShown((s) => merge(rows, s))),
    onOverflow: () => setOverflow(true),
    onStatus: setStatus,
    onEnd: (text) => {
      setOn(false);
      setMessage(text);
    },
  });

  const value = useMemo<LiveTail>(
    () => ({
      on,
      paused,
      status: on && eligible ? status : 'off',
      message,
      eligible,
      liveHref,
      shown,
      held: held.length,
      overflow,
      setOn: (next) => {
        setOn(next);
        setMessage(null);
        setPaused(false);
        setStatus('connecting');
      },
      setPaused: (next) => {
        setPaused(next);
        if (!next && !scrolledAway) {
          setShown((s) => merge(held, s));
          setHeld([]);
        }
      },
      setScrolledAway,
      showHeld: () => {
        setShown((s) => merge(held, s));
        setHeld([]);
        setPaused(false);
      },
      clearAfterReload: () => {
        setShown([]);
        setHeld([]);
        setOverflow(false);
      },
    }),
    [on, paused, status, message, eligible, liveHref, shown, held, overflow, scrolledAway],
  );
  return <LiveTailContext value={value}>{children}</LiveTailContext>;
}

/** The live tail of the surrounding view, or null outside one. */
export function useLiveTail(): LiveTail | null {
  return use(LiveTailContext);
}
