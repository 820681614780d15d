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

type Unit = { priority: WorkPriority; run(): void };

export type SchedulerOptions = {
  burst?: number;
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
 * - while pages are served, background work takes at most `backgroundShare` of the time: after a background
 *   unit, the next one is held back for a while (interactive units run meanwhile);
 * - background is never starved: the hold is bounded (twice the last unit's time), and after `burst`
 *   interactive units in a row while background work waited, the oldest background unit goes next;
 * - within a priority, units run in arrival order;
 * - the next unit is chosen on a later turn of the event loop (setImmediate), after the finished unit's caller
 *   has run on and queued its next statement, and after pending I/O (new requests) has been read.
 */
export class ConnectionScheduler {
  private readonly interactive: Unit[] = [];
  private readonly background: Unit[] = [];
  private busy = false;
  private picking = false;
  private interactiveInARow = 0;
  private lastInteractiveAt = -Infinity;
  private backgroundHeldUntil = -Infinity;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly burst: number;
  private readonly share: number;
  private readonly pagesActiveMs: number;
  private readonly now: () => number;

  constructor(opts: SchedulerOptions = {}) {
    this.burst = opts.burst ?? INTERACTIVE_BURST;
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
            if (priority === 'background' && this.share < 1) {
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
      } else this.background.push(unit);
      this.schedulePick();
    });
  }

  /** Units waiting (not the one in flight), by priority: for tests and diagnostics. */
  waiting(): { interactive: number; background: number } {
    return { interactive: this.interactive.length, background: this.background.length };
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
    const backgroundsTurn = this.background.length > 0 && !held && (this.interactive.length === 0 || this.interactiveInARow >= this.burst);
    const unit = backgroundsTurn ? this.background.shift() : this.interactive.shift();
    if (!unit) {
      // Only held-back background work waits: look again when the hold ends.
      if (held && this.background.length > 0 && !this.holdTimer) {
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
    this.interactiveInARow = backgroundsTurn || this.background.length === 0 ? 0 : this.interactiveInARow + 1;
    this.busy = true;
    unit.run();
  }
}
