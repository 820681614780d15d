'use client';

import { useEffect, useRef } from 'react';
import type { AuditListRow } from '@/db/queries/audit-events';

/** Why the server ended a stream for good (lib/live/handle-live.ts LiveEndReason), in the viewer's words. */
const END_MESSAGES: Record<string, string> = {
  replaced: 'Live stopped: it was turned on in another tab or window (at most 3 at once).',
  busy: 'Live is busy on this server right now; try again in a minute.',
  signed_out: 'Live stopped: your session ended. Reload the page to sign in again.',
  unavailable: 'Live is unavailable right now; try again in a minute.',
};
const CONNECT_FAILED = 'Live could not connect. Reload the page and try again.';

export type LiveStreamHandlers = {
  /** New matching entries, newest first. */
  onRows(rows: AuditListRow[]): void;
  /** Too many at once to send: the page should be reloaded instead. */
  onOverflow(): void;
  onStatus(status: 'connecting' | 'live'): void;
  /** The stream ended for good, with the sentence to show. */
  onEnd(message: string): void;
};

type WireRow = Omit<AuditListRow, 'occurredAt'> & { occurredAt: string; seq?: number };

/**
 * The EventSource of /api/audit/live for `query` (the view's filters) while `enabled`, starting after `since`
 * (the seq the page was read at). A new query or turning it off closes the stream; so does leaving the page.
 * A dropped connection is retried by the browser, resuming from the last position it got (Last-Event-ID).
 */
export function useLiveStream(enabled: boolean, query: string, since: number, handlers: LiveStreamHandlers) {
  const latest = useRef({ since, handlers });
  useEffect(() => {
    latest.current = { since, handlers };
  });
  useEffect(() => {
    if (!enabled) return;
    const params = new URLSearchParams(query);
    params.set('since', String(latest.current.since));
    const source = new EventSource(`/api/audit/live?${params}`);
    const h = () => latest.current.handlers;
    h().onStatus('connecting');
    source.onopen = () => h().onStatus('live');
    source.onerror = () => {
      // CLOSED: refused (signed out, no permission) and not retried; otherwise the browser is reconnecting.
      if (source.readyState === EventSource.CLOSED) h().onEnd(CONNECT_FAILED);
      else h().onStatus('connecting');
    };
    source.addEventListener('rows', (e) => {
      const rows = (JSON.parse((e as MessageEvent<string>).data) as WireRow[]).map(({ seq, ...r }) => {
        void seq;
        return { ...r, occurredAt: new Date(r.occurredAt) };
      });
      h().onRows(rows.reverse());
    });
    source.addEventListener('overflow', () => h().onOverflow());
    source.addEventListener('end', (e) => {
      source.close();
      const reason = (JSON.parse((e as MessageEvent<string>).data) as { reason?: string }).reason ?? '';
      h().onEnd(END_MESSAGES[reason] ?? CONNECT_FAILED);
    });
    return () => source.close();
  }, [enabled, query]);
}
