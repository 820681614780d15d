import type { Sql } from 'postgres';

/*
 * Connection loss and postgres.js 3.4.9 (porsager/postgres issues #1154 and #1208, fixes proposed in PRs #1168
 * and #1209, unreleased). A query written to a connection buffers its bytes and flushes them on the next
 * setImmediate. When the socket closes before that flush, the connection keeps the unsent bytes and a stale
 * timer: its next startup message joins them and is never sent, so every later use of that pool slot ends in
 * CONNECT_TIMEOUT (30 s by default), for minutes. When the flush runs after the close, it throws on a null socket
 * outside any promise (an uncaught exception). Both were reproduced here by terminating the app's backends under
 * load (see tests/integration/connection-recovery.test.ts). Two measures, until a fixed release exists:
 *
 * 1. The startup message is made at least STARTUP_FLUSH_BYTES long (application_name is padded; the server
 *    keeps its first 63 bytes). postgres.js writes a buffer of that size at once, stale bytes first: the server
 *    refuses them as a malformed startup packet and closes, postgres.js retries the connect with the same query,
 *    and the retry is clean. A poisoned slot costs one extra connect instead of repeated timeouts.
 * 2. A transaction whose connection was lost is not rolled back by postgres.js (its ROLLBACK would be written to
 *    the dead connection, the second case above): the transaction callback's rejection is held back and
 *    postgres.js rejects the transaction itself when the connection closes (withheldRollback below).
 */

/** Bytes at which postgres.js writes a buffered message at once instead of on the next tick. */
const STARTUP_FLUSH_BYTES = 1024;

/** The application_name to connect with: `name`, padded so the startup message is always flushed at once. */
export function paddedApplicationName(name: string): string {
  return name.padEnd(STARTUP_FLUSH_BYTES, ' ');
}

// postgres.js's own codes for a connection that is gone, and the socket errors behind them.
const LOST_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * True when `error` (or its cause: Drizzle wraps driver errors) means the connection is gone: postgres.js's
 * connection errors, socket errors, or a FATAL/PANIC from the server (57P01 after pg_terminate_backend), after
 * which the server closes the session.
 */
export function isConnectionLoss(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, severity } = e as { code?: unknown; severity?: unknown };
    if (typeof code === 'string' && LOST_CODES.has(code)) return true;
    if (severity === 'FATAL' || severity === 'PANIC') return true;
  }
  return false;
}

/** How long a held rejection waits for postgres.js to notice the close before it is let through after all. */
const HOLD_MS = 10_000;

/**
 * Runs a transaction (or savepoint) callback so that a connection loss inside it does not make postgres.js write
 * ROLLBACK to the dead connection: the rejection is held back, and postgres.js rejects the transaction when the
 * connection closes. Should the connection stay open after all, the rejection goes through after HOLD_MS.
 */
function withheldRollback(open: (...args: unknown[]) => Promise<unknown>, args: unknown[], fn: (tx: Sql) => unknown): Promise<unknown> {
  let settled = false;
  const run = (tx: Sql) =>
    Promise.resolve()
      .then(() => fn(resilientClient(tx)))
      .catch((error: unknown) => {
        if (!isConnectionLoss(error)) throw error;
        return new Promise((_, reject) => {
          const timer = setTimeout(() => settled || reject(error), HOLD_MS);
          timer.unref?.();
        });
      });
  const result = open(...args, run);
  void result.then(
    () => (settled = true),
    () => (settled = true),
  );
  return result;
}

/** A postgres.js client whose transactions and savepoints survive a lost connection cleanly (withheldRollback). */
export function resilientClient<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'begin' || prop === 'savepoint') {
        const open = Reflect.get(target, prop) as (...a: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: Sql) => unknown;
          return withheldRollback(open.bind(target), args, fn);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
