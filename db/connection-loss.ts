import net from 'node:net';
import type { Sql } from 'postgres';

/*
 * Connection loss and postgres.js 3.4.9 (porsager/postgres issues #1154 and #1208, fixes proposed in PRs #1168
 * and #1209, unreleased). Reproduced by terminating the app's backends under load
 * (tests/integration/connection-recovery.test.ts), three faults:
 *
 * - A query written to a connection is buffered and flushed on the next setImmediate. When the socket closes
 *   before that flush, the connection keeps the unsent bytes and a stale timer: its next startup message joins
 *   them and is never sent, so every later use of that pool slot ends in CONNECT_TIMEOUT, for minutes.
 * - When the socket closes with an error (a reset), queries handed to the connection between the error and the
 *   close are never failed: after the reconnect they wait for answers that never come, or take later queries'.
 * - A flush after the close throws on a null socket outside any promise: an uncaught exception. Transactions
 *   hit it when postgres.js writes ROLLBACK to their lost connection.
 *
 * Until a fixed release exists, the app's connections (db/client.ts) use:
 * 1. startupSocket: a socket that reports every close as a clean one, so postgres.js fails everything still
 *    queued for the connection, and whose first write starts at the opening message, dropping bytes left over
 *    from the dead connection (their queries were failed at the close).
 * 2. paddedApplicationName: a startup message of at least STARTUP_FLUSH_BYTES, which postgres.js writes at once
 *    even with stale bytes buffered before it (instead of waiting for a timer that no longer runs).
 * 3. reconnectBackoff: at most RECONNECT_BACKOFF_MAX_S between attempts (postgres.js counts failures across the
 *    pool and waited up to 20 s after every connection was cut at once).
 * 4. resilientClient: a transaction whose connection was lost is not rolled back by postgres.js; the callback's
 *    rejection is held back and postgres.js rejects the transaction when the connection closes.
 */

/** Bytes at which postgres.js writes a buffered message at once instead of on the next tick. */
const STARTUP_FLUSH_BYTES = 1024;

/** The application_name to connect with: `name`, padded so the startup message is always flushed at once. */
export function paddedApplicationName(name: string): string {
  return name.padEnd(STARTUP_FLUSH_BYTES, ' ');
}

// Protocol 3.0 startup, SSLRequest, CancelRequest, GSSENCRequest: what may open a connection.
const OPENING_CODES = new Set([196608, 80877103, 80877102, 80877104]);

/** `first` from the opening message on: bytes left over from a connection that no longer exists are dropped. Pure. */
export function dropStaleBytes(first: Buffer): Buffer {
  for (let at = 0; at + 8 <= first.length; at++) {
    if (first.readInt32BE(at) === first.length - at && OPENING_CODES.has(first.readInt32BE(at + 4))) return at === 0 ? first : first.subarray(at);
  }
  return first;
}

type SocketOptions = { host: string[]; port: number[]; path?: string | false };

/**
 * postgres.js's `socket` option (see above): a TCP (or Unix) socket to the one host with TCP_NODELAY, closes
 * reported as clean, the first write cleaned by dropStaleBytes. Undefined for several hosts (postgres.js then tries them in turn).
 */
export function startupSocket(hosts: number): ((options: SocketOptions) => net.Socket) | undefined {
  if (hosts !== 1) return undefined;
  return (options) => {
    const socket = options.path ? net.connect(options.path) : net.connect(options.port[0]!, options.host[0]!);
    // Nagle's algorithm held each small message written after a larger one (a COPY's closing CopyDone, a Sync)
    // until the server's delayed ACK: ~40 ms per COPY FROM (bench/RESULTS.md, session 5). postgres.js leaves it on.
    socket.setNoDelay(true);
    // postgres.js names the TLS server after these (SNI, certificate check).
    Object.assign(socket, { host: options.host[0], port: options.port[0] });
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => (event === 'close' ? emit('close', false) : emit(event, ...args))) as net.Socket['emit'];
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    let first = true;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (first && Buffer.isBuffer(chunk)) {
        first = false;
        return write(dropStaleBytes(chunk), ...rest);
      }
      return write(chunk, ...rest);
    }) as net.Socket['write'];
    return socket;
  };
}

/** Longest wait, in seconds, between reconnect attempts of one pool slot. */
const RECONNECT_BACKOFF_MAX_S = 1;

/** Seconds before reconnect attempt `retries` (counted across the pool by postgres.js), with jitter. */
export function reconnectBackoff(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, RECONNECT_BACKOFF_MAX_S);
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
