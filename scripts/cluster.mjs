// Several server processes on one port (node:cluster): a primary that runs no Next.js forks WEB_CONCURRENCY
// workers, each running scripts/server.mjs's startServer; the primary hands incoming connections to them in turn.
// Nothing that must be correct lives in one process's memory (rate limits, schedules, deliveries, group commit and
// startup migrations are coordinated in PostgreSQL), so workers need not know about each other.
import cluster from 'node:cluster';
import os from 'node:os';

/** A worker that lived at least this long before dying restarts at once; quicker deaths back off. */
const HEALTHY_MS = 30_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
/** How long workers get to finish their requests after SIGINT/SIGTERM before they are killed. */
const STOP_GRACE_MS = 30_000;

/**
 * How many server processes to run. WEB_CONCURRENCY when set (a whole number from 1); unset: one per core
 * (os.availableParallelism) on a PostgreSQL server, 1 on the embedded database. The embedded database (PGlite)
 * lives in one process's memory and data folder, which no second process may open: there it is always 1, with a
 * log line when more were asked for. Development mode is always 1 (one compiler, one hot reload).
 */
export function workerCount(env = process.env, { dev = false, log = console.log } = {}) {
  const raw = env.WEB_CONCURRENCY?.trim() ?? '';
  if (raw !== '' && !/^[1-9][0-9]*$/.test(raw)) throw new Error(`WEB_CONCURRENCY must be a whole number from 1 (got "${raw}")`);
  const asked = raw === '' ? undefined : Number(raw);
  if (!env.DATABASE_URL) {
    if (asked !== undefined && asked > 1) {
      log(`[server] WEB_CONCURRENCY=${asked} ignored: the embedded database (no DATABASE_URL) lives in one process, so 1 server process runs`);
    }
    return 1;
  }
  if (dev) return 1;
  return asked ?? os.availableParallelism();
}

/**
 * The primary: forks `workers` processes running `exec` (scripts/server.mjs), restarts one that dies (after a
 * backoff that doubles from 0.5 s to 30 s while restarted workers keep dying within 30 s), and on SIGINT/SIGTERM
 * passes the signal on, waits for every worker to close (killing those still running after 30 s) and exits.
 */
export function runPrimary({ workers, exec, log = console.log }) {
  cluster.setupPrimary({ exec, args: [] });
  // Per slot: how many times in a row its worker died young, and the worker it runs now.
  const slots = Array.from({ length: workers }, () => ({ quickDeaths: 0, startedAt: 0, timer: undefined }));
  const running = new Set();
  let stopping = false;

  const fork = (slot) => {
    const state = slots[slot];
    state.timer = undefined;
    state.startedAt = Date.now();
    const worker = cluster.fork({ SERVER_WORKER_SLOT: String(slot + 1) });
    running.add(worker);
    worker.once('exit', (code, signal) => {
      running.delete(worker);
      if (stopping) return exitWhenAllClosed();
      const lived = Date.now() - state.startedAt;
      state.quickDeaths = lived >= HEALTHY_MS ? 0 : state.quickDeaths + 1;
      const delay = state.quickDeaths === 0 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (state.quickDeaths - 1));
      const how = signal ? `signal ${signal}` : `code ${code}`;
      log(`[server] worker ${slot + 1} (pid ${worker.process.pid}) exited (${how}) after ${Math.round(lived / 1000)} s; restarting it in ${delay} ms`);
      state.timer = setTimeout(() => fork(slot), delay);
    });
  };

  const exitWhenAllClosed = () => {
    if (running.size === 0) {
      log('[server] all workers closed');
      process.exit(0);
    }
  };

  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`[server] ${signal}: stopping ${workers} worker(s)`);
    for (const state of slots) clearTimeout(state.timer);
    for (const worker of running) worker.process.kill(signal);
    setTimeout(() => {
      for (const worker of running) worker.process.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
    exitWhenAllClosed();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  log(`[server] primary pid ${process.pid}: starting ${workers} worker processes (WEB_CONCURRENCY)`);
  for (let slot = 0; slot < workers; slot += 1) fork(slot);
}
