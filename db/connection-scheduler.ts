import type { WorkPriority } from './work-priority';

/**
 * Background units that run in a row before a waiting interactive one is skipped at most this many times:
 * with 8 page loaders always waiting, ingest still gets one transaction in every 9 units.
 */
export const INTERACTIVE_BURST = 8;

type Unit = { priority: WorkPriority; run(): void };

/**
 * Orders the units of work (one statement, or one whole transaction) on a single connection that can run one
 * at a time: the embedded database, where every statement also runs on Node's own thread.
 *
 * Invariants, per process and per connection (nothing here is shared between instances, nor needs to be):
 * - one unit at a time;
 * - a waiting interactive unit goes before every waiting background unit, so it waits behind at most the one
 *   unit in flight, except that
 * - background is never starved: after `burst` interactive units in a row while background work waited, the
 *   oldest background unit goes next;
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

  constructor(private readonly burst = INTERACTIVE_BURST) {}

  /** Runs `work` when its turn comes; resolves or rejects with it. */
  run<T>(priority: WorkPriority, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unit: Unit = {
        priority,
        run: () => {
          let done: Promise<T>;
          try {
            done = work();
          } catch (error) {
            done = Promise.reject(error);
          }
          done.then(resolve, reject).finally(() => {
            this.busy = false;
            this.schedulePick();
          });
        },
      };
      (priority === 'interactive' ? this.interactive : this.background).push(unit);
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
    const backgroundsTurn = this.background.length > 0 && (this.interactive.length === 0 || this.interactiveInARow >= this.burst);
    const unit = backgroundsTurn ? this.background.shift() : this.interactive.shift();
    if (!unit) return;
    // Counts interactive units that went ahead of waiting background work.
    this.interactiveInARow = backgroundsTurn || this.background.length === 0 ? 0 : this.interactiveInARow + 1;
    this.busy = true;
    unit.run();
  }
}
