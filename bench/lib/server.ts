/**
 * The built app (scripts/server.mjs, what `npm start` runs) on the benchmark database, and a signed-in
 * session for HTTP scenarios. Builds first when there is no production build.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

export type BenchServer = { baseUrl: string; cookie: string; stop(): Promise<void> };

function cookiesFrom(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!);
}

/** Signs in through next-auth's credentials endpoint (the login form's own path) and returns the Cookie header. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesFrom(csrfRes);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/audit` }),
  });
  const session = cookiesFrom(res).filter((c) => c.includes('session-token'));
  if (session.length === 0) throw new Error(`sign-in as ${email} failed (${res.status} ${res.headers.get('location')})`);
  return [...jar, ...session].join('; ');
}

export async function startBenchServer(opts: {
  databaseUrl: string;
  port?: number;
  email: string;
  password: string;
  /** Server processes (WEB_CONCURRENCY); unset: the product's default. */
  workers?: number;
  log?: (s: string) => void;
}): Promise<BenchServer> {
  const log = opts.log ?? (() => {});
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    log('  no production build: next build…');
    const build = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('next build failed');
  }
  const port = opts.port ?? Number(process.env.BENCH_PORT ?? 3300);
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-server-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'scripts', 'server.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: opts.databaseUrl,
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      AUTH_SECRET: 'bench-secret-not-for-production-0123456789',
      // No background jobs while measuring.
      AUDIT_RETENTION_HOURS: '0',
      AUDIT_CHECKPOINT_MINUTES: '0',
      ...(opts.workers ? { WEB_CONCURRENCY: String(opts.workers) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 120_000;
  // Several processes (scripts/cluster.mjs): the primary names how many; wait until every one serves.
  const allListening = () => {
    const forked = Number(/starting (\d+) worker processes/.exec(output)?.[1] ?? 1);
    return output.split('production server on').length - 1 >= forked;
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/login`);
      if (res.ok && allListening()) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app server did not answer within 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const cookie = await signIn(baseUrl, opts.email, opts.password);
  return {
    baseUrl,
    cookie,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
