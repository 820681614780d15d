import type { Db } from '@/db/client';
import { listAuditEventsAfterSeq, type LiveAuditRow } from '@/db/queries/audit-live';
import type { QueryFilters } from '@/db/queries/audit-where';
import { getChainHead } from '@/db/queries/chain-head';
import type { LiveHub } from './hub';

/** Rows sent for one burst at most; past that the viewer is told to reload instead (a page query does it better). */
export const LIVE_BATCH_LIMIT = 200;
/** Notifications arriving closer together than this are read with one query. */
export const LIVE_DEBOUNCE_MS = 150;

export type LiveFeedOptions = {
  db: Db;
  hub: LiveHub;
  orgId: string;
  /** The view's filters made concrete at `now` (a "last 15 minutes" window moves with the clock, as on reload). */
  filters: (now: Date) => QueryFilters;
  /** Entries up to this seq are already on the viewer's page (or were sent before a reconnect). */
  since: number;
  /** New matching entries in recorded order; `head` is the seq read through (the stream's position). */
  onRows(rows: LiveAuditRow[], head: number): void;
  /** More than LIVE_BATCH_LIMIT matching entries arrived at once: none are sent, the viewer should reload. */
  onOverflow(head: number): void;
  onError(error: unknown): void;
  debounceMs?: number;
  limit?: number;
};

export type LiveFeed = { close(): void; position(): number };

/**
 * One viewer's live tail: woken by its organization's notifications, it reads the entries after the last seq it
 * read with the view's own filters. Bursts coalesce: at most one read in flight, and notifications within
 * `debounceMs` share a read. Catches up once at start (entries recorded between the page's read and now).
 * Tenancy: reads `orgId` only; the hub wakes it only for `orgId`.
 */
export async function openLiveFeed(opts: LiveFeedOptions): Promise<LiveFeed> {
  const limit = opts.limit ?? LIVE_BATCH_LIMIT;
  const debounceMs = opts.debounceMs ?? LIVE_DEBOUNCE_MS;
  let readThrough = opts.since;
  let target = opts.since;
  let readHead = true;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  let closed = false;

  const run = async () => {
    timer = null;
    running = true;
    try {
      if (readHead) {
        readHead = false;
        const head = (await getChainHead(opts.db, opts.orgId))?.seq ?? 0;
        // A position beyond the head (a stale or made-up one) would hide the next entries: start from the head.
        if (head < readThrough) readThrough = target = head;
        else target = Math.max(target, head);
      }
      if (closed || target <= readThrough) return;
      const through = target;
      const rows = await listAuditEventsAfterSeq(opts.db, {
        orgId: opts.orgId,
        filters: opts.filters(new Date()),
        afterSeq: readThrough,
        throughSeq: through,
        limit,
      });
      if (closed) return;
      readThrough = through;
      if (rows.length > limit) opts.onOverflow(through);
      else opts.onRows(rows, through);
    } catch (error) {
      if (!closed) opts.onError(error);
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        schedule();
      }
    }
  };

  function schedule() {
    if (closed) return;
    if (running || timer) {
      again = again || running;
      return;
    }
    timer = setTimeout(() => void run(), debounceMs);
  }

  const poke = (seq: number | null) => {
    if (seq === null) readHead = true;
    else if (seq <= Math.max(target, readThrough)) return;
    else target = seq;
    schedule();
  };

  const unsubscribe = await opts.hub.subscribe(opts.orgId, poke);
  poke(null);
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
    },
    position: () => readThrough,
  };
}
