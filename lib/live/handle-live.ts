import type { Db } from '@/db/client';
import { apiError } from '@/lib/api/http';
import { requestContextFrom } from '@/lib/recording/request-context';
import { resolveQueryFilters } from '@/lib/view/query-filters';
import { readViewState } from '@/lib/view/view-state';
import { openLiveFeed, type LiveFeed } from './feed';
import type { LiveHub } from './hub';
import { sseComment, sseMessage } from './sse';
import type { StreamSlots } from './stream-limits';

/** Seconds between heartbeats; each one also re-checks the session and role. */
export const LIVE_HEARTBEAT_MS = 15_000;
/** How long the browser waits before reconnecting a dropped stream (it resumes from the last position it got). */
const RETRY_MS = 3_000;

/** Why a stream ended for good (the browser does not reconnect): the viewer shows it. */
export type LiveEndReason = 'replaced' | 'busy' | 'signed_out' | 'unavailable';

export type LivePrincipal = {
  userId: string;
  sessionId: string;
  /** The session's current organization, already checked for audit:read: the only tenant the stream reads. */
  orgId: string;
  /** The viewer's zone (browser cookie, else the organization's): calendar ranges resolve in it. */
  zone: string;
};

export type LiveDeps = {
  db: Db;
  hub: LiveHub;
  slots: StreamSlots;
  stillAllowed: () => Promise<boolean>;
  heartbeatMs?: number;
  debounceMs?: number;
};

const POSITION = /^\d{1,15}$/;

/**
 * GET /api/audit/live after authentication: the view's parameters (the page's own, read by the same parser) and
 * `since`, the seq the page was read at; a reconnecting browser's Last-Event-ID wins over it. 400 for any
 * parameter issue; else 200 text/event-stream: `rows` (new matching entries, newest last), `overflow` (too many
 * at once: reload), `end` (for good, with a reason), heartbeats as comments. Tenancy: `principal.orgId` only.
 */
export function handleLiveRequest(request: Request, principal: LivePrincipal, deps: LiveDeps): Response {
  const requestId = requestContextFrom(request.headers).requestId;
  const view = new URL(request.url).searchParams;
  const sinceParam = view.get('since');
  view.delete('since');
  const { state, issues } = readViewState(view, principal.zone);
  const lastEventId = request.headers.get('last-event-id');
  const position = lastEventId && POSITION.test(lastEventId) ? lastEventId : sinceParam;
  if (position !== null && !POSITION.test(position)) issues.push({ param: 'since', message: '"since" must be a whole number (an entry\'s seq).' });
  if (issues.length > 0) {
    return apiError(400, 'invalid_parameters', `The live tail was not started: ${issues.map((i) => i.message).join(' ')}`, requestId, { errors: issues });
  }
  // Without a position the stream starts at the head: only what is recorded from now on.
  const since = position === null ? Number.MAX_SAFE_INTEGER : Number(position);
  const heartbeatMs = deps.heartbeatMs ?? LIVE_HEARTBEAT_MS;
  const encoder = new TextEncoder();
  let stop = () => {};

  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let done = false;
      let feed: LiveFeed | null = null;
      let heartbeat: ReturnType<typeof setInterval> | null = null;
      let slot: { release(): void } | null = null;
      const send = (text: string) => {
        if (done) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      stop = () => {
        if (done) return;
        done = true;
        feed?.close();
        if (heartbeat) clearInterval(heartbeat);
        slot?.release();
        request.signal.removeEventListener('abort', stop);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const end = (reason: LiveEndReason) => {
        send(sseMessage({ event: 'end', data: { reason } }));
        stop();
      };
      request.signal.addEventListener('abort', stop);

      slot = deps.slots.admit(principal.userId, () => end('replaced'));
      if (!slot) return end('busy');
      send(sseMessage({ retry: RETRY_MS, event: 'ready', data: {} }));
      try {
        feed = await openLiveFeed({
          db: deps.db,
          hub: deps.hub,
          orgId: principal.orgId,
          filters: (now) => resolveQueryFilters(state.filters, now, principal.zone),
          since,
          debounceMs: deps.debounceMs,
          // Rows carry their position as the message id, so a reconnect resumes after them; a read that matched
          // nothing still moves the position (an id-only message dispatches nothing in the browser).
          onRows: (rows, head) => send(rows.length ? sseMessage({ event: 'rows', id: head, data: rows }) : sseMessage({ id: head })),
          onOverflow: (head) => send(sseMessage({ event: 'overflow', id: head, data: {} })),
          onError: (error) => {
            console.error(`[live] stream ${requestId} read failed; the browser reconnects`, error);
            stop();
          },
        });
      } catch (error) {
        console.error(`[live] stream ${requestId} could not listen`, error);
        return end('unavailable');
      }
      if (done) return feed.close();
      let checking = false;
      heartbeat = setInterval(() => {
        send(sseComment('heartbeat'));
        if (checking) return;
        checking = true;
        deps
          .stillAllowed()
          .then((ok) => (ok ? undefined : end('signed_out')))
          .catch(() => undefined)
          .finally(() => (checking = false));
      }, heartbeatMs);
    },
    cancel() {
      stop();
    },
  });

  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: the response compressor must not buffer the stream.
      'Cache-Control': 'no-store, no-transform',
      'X-Accel-Buffering': 'no',
      'X-Request-Id': requestId,
    },
  });
}
