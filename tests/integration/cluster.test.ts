import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { verifyChain } from '@/lib/chain/verify';
import { createKey } from './chain-helpers';
import { rowsOf } from './context';
import { describeOnServer } from './databases';
import { createOrg } from './fixtures';

// `npm start` with WEB_CONCURRENCY=2 on a PostgreSQL server: the built app (scripts/server.mjs) as a primary and two
// worker processes on one port, written to by concurrent clients of one organization, one worker killed mid-load.

const root = path.resolve(import.meta.dirname, '..', '..');
const BATCH = 50;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** CPU time (ms) a process has used so far (Linux /proc). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The app server as `npm start` runs it, with its log; `workers` maps each worker slot to its current pid. */
function startServer(port: number, databaseUrl: string, dataDir: string) {
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      WEB_CONCURRENCY: '2',
      SEED_DEMO: 'false',
      AUTH_SECRET: 'cluster-test-secret-0123456789abcdef',
      AUDIT_RETENTION_HOURS: '0',
      AUDIT_CHECKPOINT_MINUTES: '0',
      STREAM_DELIVERY: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state = { output: '', workers: new Map<number, number>(), started: [] as number[] };
  const onData = (d: Buffer) => {
    state.output += d.toString();
    for (const m of d.toString().matchAll(/production server on \S+ \(worker (\d+), pid (\d+)\)/g)) {
      state.workers.set(Number(m[1]), Number(m[2]));
      state.started.push(Number(m[2]));
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, state, exited };
}

async function until(what: string, done: () => boolean, output: () => string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What one ingest batch got: the ids when answered 201, else what went wrong. */
type Outcome = { ids: string[] } | { failure: string };

/** One ingest batch on a connection of its own (so the primary hands it to the next worker). */
function postBatch(port: number, key: string, tag: string): Promise<Outcome> {
  const body = JSON.stringify(Array.from({ length: BATCH }, (_, i) => ({ action: 'create', object: { type: 'cluster-test', id: `${tag}_${i}` } })));
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/events',
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve(
            res.statusCode === 201
              ? { ids: (JSON.parse(text) as { data: { id: string }[] }).data.map((e) => e.id) }
              : { failure: `${res.statusCode} ${text.slice(0, 200)}` },
          ),
        );
        res.on('error', (error) => resolve({ failure: String(error) }));
      },
    );
    req.on('error', (error) => resolve({ failure: String(error) })); // a worker killed mid-request: not acknowledged
    // A connection the primary handed to the worker just as it was killed is never answered: give up on it, as
    // any client does after a while.
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.end(body);
  });
}

describeOnServer('several server processes (WEB_CONCURRENCY=2) on one database', (ctx) => {
  // `npm test` builds first; a run of this file alone builds when there is no production build yet.
  beforeAll(() => {
    if (existsSync(path.join(root, '.next', 'BUILD_ID'))) return;
    const build = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('next build failed');
  }, 900_000);

  it('serves one organization from both workers, loses nothing acknowledged when one is killed, and restarts it', async () => {
    const org = await createOrg(ctx.db, 'cluster');
    const key = await createKey(ctx.db, org.id);
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cluster-test-'));
    const server = startServer(port, ctx.url!, dataDir);
    const log = () => server.state.output;
    const acked: string[] = [];
    const failures: string[] = [];
    let batch = 0;
    // Each phase ends by its condition, or after a minute (the assertions then say what went wrong).
    const sender = async (keepGoing: () => boolean) => {
      const deadline = Date.now() + 60_000;
      while (keepGoing() && Date.now() < deadline) {
        const outcome = await postBatch(port, key, `b${batch++}`);
        if ('ids' in outcome) acked.push(...outcome.ids);
        else failures.push(outcome.failure);
      }
    };
    const progress = () => `${acked.length} events acknowledged; failures: ${failures.slice(0, 5).join(' | ')}; server log:\n${log()}`;
    try {
      await until('two workers listening', () => server.state.workers.size === 2, progress);
      const [first, second] = [server.state.workers.get(1)!, server.state.workers.get(2)!];

      // 1. Four concurrent clients: both workers take a share of the work.
      const cpuBefore = [cpuMs(first), cpuMs(second)];
      const target = 24 * BATCH;
      await Promise.all(Array.from({ length: 4 }, () => sender(() => acked.length < target)));
      const used = [cpuMs(first) - cpuBefore[0]!, cpuMs(second) - cpuBefore[1]!];
      expect(acked.length, progress()).toBeGreaterThanOrEqual(target);
      for (const ms of used) expect(ms / (used[0]! + used[1]!)).toBeGreaterThan(0.15);

      // 2. Kill worker 1 while four clients write: the primary starts a new worker 1; writes go on.
      const killAt = acked.length + 6 * BATCH;
      let ackedAfterRestart = Number.POSITIVE_INFINITY;
      const restarted = () => server.state.workers.get(1) !== first;
      const load = Promise.all(Array.from({ length: 4 }, () => sender(() => acked.length < ackedAfterRestart)));
      await until('six batches before the kill', () => acked.length >= killAt, progress);
      process.kill(first, 'SIGKILL');
      await until('worker 1 restarted', restarted, progress);
      ackedAfterRestart = acked.length + 8 * BATCH;
      await load;
      expect(acked.length, progress()).toBeGreaterThanOrEqual(ackedAfterRestart);
      const replacement = server.state.workers.get(1)!;
      expect(server.state.output).toMatch(new RegExp(`worker 1 \\(pid ${first}\\) exited \\(signal SIGKILL\\)`));
      expect(alive(replacement) && alive(second)).toBe(true);

      // 3. SIGTERM to the primary: every worker closes and the primary exits cleanly.
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect([replacement, second].filter(alive)).toEqual([]);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      for (const pid of server.state.started) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }

    // Every acknowledged event stored exactly once, on one unbroken chain (with whatever the killed worker committed
    // without answering).
    const stored = rowsOf<{ id: string; n: number }>(
      await ctx.db.execute(sql`select id::text, count(*)::int as n from audit_events where org_id = ${org.id} group by id`),
    );
    const storedIds = new Set(stored.map((r) => r.id));
    expect(stored.filter((r) => r.n !== 1)).toEqual([]);
    expect(acked.filter((id) => !storedIds.has(id))).toEqual([]);
    expect(new Set(acked).size).toBe(acked.length);
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: stored.length });
  }, 180_000);
});
