// The HTTP server: Next's request handler behind Node's own server, so the direct peer address of every
// request is known. It is passed on in PEER_HEADER, overwriting whatever a client sent under that name;
// the app never takes a client-supplied address unless TRUSTED_PROXY_HOPS says so (lib/recording/client-ip.ts).
// With WEB_CONCURRENCY above 1 (scripts/cluster.mjs) this file is also what each worker process runs.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import path from 'node:path';
import { runPrimary, workerCount } from './cluster.mjs';

const PEER_HEADER = 'x-audit-peer-address';

export async function startServer({ dev = false, port = 3000, hostname = '0.0.0.0' } = {}) {
  const { default: next } = await import('next');
  const app = next({ dev, dir: path.resolve(import.meta.dirname, '..'), hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
    handle(req, res).catch((error) => {
      console.error('[server] unhandled', error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  // Keep idle connections longer than clients and proxies do (Node closes them after 5 s): a client that reuses a
  // socket the server is closing at that moment gets ECONNRESET, more often while long work holds the event loop.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise((resolve) => server.listen(port, hostname, resolve));
  const worker = cluster.isWorker ? ` (worker ${process.env.SERVER_WORKER_SLOT}, pid ${process.pid})` : '';
  console.log(`[server] ${dev ? 'development' : 'production'} server on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}${worker}`);
  // A promise nobody awaited that failed (an export stream torn down mid-read, a lost connection's late error)
  // concerns no request still being answered: log it and keep serving everyone else. Node's default would end the
  // process, and with it every download and ingest in flight.
  process.on('unhandledRejection', (error) => console.error('[server] unhandled rejection (the server goes on)', error));
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    server.close(() => process.exit(0));
  };
  if (cluster.isWorker) {
    // Ctrl-C reaches a worker twice (from the terminal and from the primary): both mean "finish and close". The
    // primary kills a worker that has not closed 30 s later.
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } else {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return server;
}

/**
 * What `npm start` and `node scripts/server.mjs` run: one server in this process when workerCount says 1 (the
 * embedded database, development, WEB_CONCURRENCY=1), otherwise a primary forking that many workers, each of which
 * runs this file again and serves in its own process on the same port.
 */
export async function serve({ dev = false, port = 3000, hostname = '0.0.0.0' } = {}) {
  if (cluster.isPrimary) {
    const workers = workerCount(process.env, { dev });
    if (workers > 1) return runPrimary({ workers, exec: import.meta.filename });
  }
  await startServer({ dev, port, hostname });
}

if (process.argv[1] === import.meta.filename) {
  await serve({
    dev: process.argv.includes('--dev'),
    port: Number(process.env.PORT || 3000),
    hostname: process.env.HOST || '0.0.0.0',
  });
}
