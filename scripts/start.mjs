// `npm start`: build once if there is no production build yet, then serve it (scripts/server.mjs).
// The database is opened, migrated and (first start only) seeded by the server itself (instrumentation.ts), in one
// process or, with a PostgreSQL server, in one worker process per core (WEB_CONCURRENCY, scripts/cluster.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

if (!existsSync(path.join(root, '.next', 'BUILD_ID')) || process.argv.includes('--rebuild')) {
  console.log('[start] no production build yet: running next build (about a minute on 2 cores)…');
  const build = spawnSync(path.join(root, 'node_modules', '.bin', 'next'), ['build'], { cwd: root, stdio: 'inherit', env: process.env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

process.env.NODE_ENV = 'production';
const { serve } = await import('./server.mjs');
await serve({ port: Number(process.env.PORT || 3000), hostname: process.env.HOST || '0.0.0.0' });
