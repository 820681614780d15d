import type { WorkPriority } from './work-priority';

/**
 * Interactive units that may go ahead of waiting background work in a row: with pages always waiting, ingest
 * still gets one transaction in every 9 units.
 */
export const INTERACTIVE_BURST = 8;

/**
 * The share of time background work may take while pages are being served: after a background unit of d ms,
 * the next one waits 2·d ms if a page read came in lately, leaving Node's thread to pages' reads and rendering.
 */
export const BACKGROUND_SHARE = 1 / 3;

/** Pages count as being served while an interactive unit arrived within this many milliseconds. */
export const PAGES_ACTIVE_MS = 500;

/**
 * Writes (ingest transactions) that may go ahead of waiting bulk reads (export batches, verification) in a row:
 * with writes always waiting, exports and verification still get one unit in every 3 background units.
 */
export const WRITE_BURST = 2;

type Unit = { priority: WorkPriority; run(): void };

export type SchedulerOptions = {
  burst?: number;
  writeBurst?: number;
  backgroundShare?: number;
  pagesActiveMs?: number;
  /** Milliseconds on a monotonic clock (tests pass their own). */
  now?: () => number;
};

/**
 * Orders the units of work (one statement, or one whole transaction) on a single connection that can run one
 * at a time: the embedded database, where every statement also runs on Node's own thread.
 *
 * Invariants, per process and per connection (nothing here is shared between instances, nor needs to be):
 * - one unit at a time;
 * - a waiting interactive unit goes before every waiting background unit, so it waits behind at most the one
 *   unit in flight;
 * - within background work, a waiting write (`background`: an ingest transaction, whose client waits for its
 *   answer) goes before every waiting bulk read (`bulk`: export batches, verification), and after `writeBurst`
 *   writes in a row while a bulk read waited, the oldest bulk read goes next (exports are slowed, never stopped);
 * - while pages are served, background work takes at most `backgroundShare` of the time: after a background
 *   unit, the next one is held back for a while (interactive units run meanwhile);
 * - background is never starved: the hold is bounded (twice the last unit's time), and after `burst`
 *   interactive units in a row while background work waited, the next background unit (by the rule above) goes;
 * - within a priority, units run in arrival order;
 * - the next unit is chosen on a later turn of the event loop (setImmediate), after the finished unit's caller
 *   has run on and queued its next statement, and after pending I/O (new requests) has been read.
 */
export class ConnectionScheduler {
  private readonly interactive: Unit[] = [];
  private readonly writes: Unit[] = [];
  private readonly bulk: Unit[] = [];
  private busy = false;
  private picking = false;
  private interactiveInARow = 0;
  private writesInARow = 0;
  private lastInteractiveAt = -Infinity;
  private backgroundHeldUntil = -Infinity;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly burst: number;
  private readonly writeBurst: number;
  private readonly share: number;
  private readonly pagesActiveMs: number;
  private readonly now: () => number;

  constructor(opts: SchedulerOptions = {}) {
    this.burst = opts.burst ?? INTERACTIVE_BURST;
    this.writeBurst = opts.writeBurst ?? WRITE_BURST;
    this.share = opts.backgroundShare ?? BACKGROUND_SHARE;
    this.pagesActiveMs = opts.pagesActiveMs ?? PAGES_ACTIVE_MS;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Runs `work` when its turn comes; resolves or rejects with it. */
  run<T>(priority: WorkPriority, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unit: Unit = {
        priority,
        run: () => {
          const started = this.now();
          let done: Promise<T>;
          try {
            done = work();
          } catch (error) {
            done = Promise.reject(error);
          }
          done.then(resolve, reject).finally(() => {
            this.busy = false;
            if (priority !== 'interactive' && this.share < 1) {
              const ended = this.now();
              this.backgroundHeldUntil = ended + (ended - started) * (1 / this.share - 1);
            }
            this.schedulePick();
          });
        },
      };
      if (priority === 'interactive') {
        this.lastInteractiveAt = this.now();
        this.interactive.push(unit);
      } else if (priority === 'bulk') this.bulk.push(unit);
      else this.writes.push(unit);
      this.schedulePick();
    });
  }

  /** Units waiting (not the one in flight), by priority: for tests and diagnostics. */
  waiting(): { interactive: number; background: number; bulk: number } {
    return { interactive: this.interactive.length, background: this.writes.length, bulk: this.bulk.length };
  }

  private backgroundWaiting(): number {
    return this.writes.length + this.bulk.length;
  }

  /** The next background unit: a write before bulk reads, unless `writeBurst` writes already went ahead of one. */
  private shiftBackground(): Unit | undefined {
    const bulksTurn = this.bulk.length > 0 && (this.writes.length === 0 || this.writesInARow >= this.writeBurst);
    // Counts writes that went ahead of a waiting bulk read.
    this.writesInARow = bulksTurn || this.bulk.length === 0 ? 0 : this.writesInARow + 1;
    return bulksTurn ? this.bulk.shift() : this.writes.shift();
  }

  private schedulePick() {
    if (this.busy || this.picking) return;
    this.picking = true;
    setImmediate(() => {
      this.picking = false;
      this.pick();
    });
  }

  private pick() {
    if (this.busy) return;
    const now = this.now();
    const held = now < this.backgroundHeldUntil && now - this.lastInteractiveAt < this.pagesActiveMs;
    const background = this.backgroundWaiting();
    const backgroundsTurn = background > 0 && !held && (this.interactive.length === 0 || this.interactiveInARow >= this.burst);
    const unit = backgroundsTurn ? this.shiftBackground() : this.interactive.shift();
    if (!unit) {
      // Only held-back background work waits: look again when the hold ends.
      if (held && background > 0 && !this.holdTimer) {
        this.holdTimer = setTimeout(
          () => {
            this.holdTimer = null;
            this.schedulePick();
          },
          Math.max(1, this.backgroundHeldUntil - now),
        );
        this.holdTimer.unref?.();
      }
      return;
    }
    // Counts interactive units that went ahead of waiting background work.
    this.interactiveInARow = backgroundsTurn || background === 0 ? 0 : this.interactiveInARow + 1;
    this.busy = true;
    unit.run();
  }
}
