// `npm start`: build once if there is no production build yet, then serve it.
// The database is opened, migrated and (first start only) seeded by the server itself (instrumentation.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const next = path.join(root, 'node_modules', '.bin', 'next');

if (!existsSync(path.join(root, '.next', 'BUILD_ID')) || process.argv.includes('--rebuild')) {
  console.log('[start] no production build yet: running next build (about a minute on 2 cores)…');
  const build = spawnSync(next, ['build'], { cwd: root, stdio: 'inherit', env: process.env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = process.env.PORT || '3000';
const host = process.env.HOST || '0.0.0.0';
const server = spawn(next, ['start', '-p', port, '-H', host], { cwd: root, stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
