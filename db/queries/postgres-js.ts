import { bulkDbOf, type DbOrTx, type Tx } from '@/db/client';
import { isConnectionLoss } from '@/db/connection-loss';

/**
 * postgres.js's `sql` function (drizzle's `$client` on a server), for the two reads that go around Drizzle's
 * row mapping: array-mode results and COPY streams. PGlite's client is an object without `unsafe`.
 */
export type PostgresJsClient = {
  unsafe(query: string, params?: unknown[]): { values(): Promise<unknown[][]>; readable(): Promise<NodeJS.ReadableStream> };
  /** A connection of the pool for the caller alone until release(). */
  reserve(): Promise<Omit<PostgresJsClient, 'reserve'> & { release(): void }>;
};

/** The database's postgres.js client, or null on PGlite (callers then keep Drizzle's portable path). */
export function postgresJsClient(db: DbOrTx): PostgresJsClient | null {
  const client = (db as { $client?: unknown }).$client;
  return typeof client === 'function' && typeof (client as unknown as Partial<PostgresJsClient>).unsafe === 'function'
    ? (client as unknown as PostgresJsClient)
    : null;
}

/** The postgres.js client of the long-work pool `db` belongs to (db/client.ts bulkDbOf), or null on PGlite. */
export function bulkPostgresJsClient(db: DbOrTx): PostgresJsClient | null {
  return postgresJsClient(bulkDbOf(db));
}

/**
 * postgres.js (3.4.x) pauses the connection's socket when a COPY stream's buffer is full; if CopyDone was
 * in the same network read, nothing resumes it and the next query on that connection hangs (porsager/postgres
 * issues #499 and #917, fix proposed in PR #1016). The stream's read() is postgres.js's `socket.resume()`:
 * calling it once the COPY has ended (or failed) leaves the connection usable. Harmless when not paused.
 */
function resumeSocket(stream: NodeJS.ReadableStream): void {
  const read = (stream as { _read?: (size: number) => void })._read;
  try {
    read?.call(stream, 0);
  } catch {
    // Not postgres.js's stream: nothing to resume.
  }
}

/**
 * Runs one `COPY … TO STDOUT` text on a connection reserved for it alone and hands its bytes to `sink` as they
 * arrive; resolves once the COPY has ended. On a shared connection postgres.js would queue other queries behind
 * the COPY, and they fail (COPY_IN_PROGRESS). The connection goes back to `client`'s pool once the COPY has
 * ended or failed - even when the consumer has stopped listening - except a lost one, which the pool reopens.
 * Rows arrive as one 'data' event each (postgres.js pushes every CopyData message), many per socket read: they
 * are handed over together once that read is handled, so per-chunk work is shared by the rows. A throwing sink
 * rejects the promise; the COPY is still drained so the connection finishes it cleanly.
 */
export async function copyToStdout(client: PostgresJsClient, text: string, sink: (chunk: Buffer) => void): Promise<void> {
  const conn = await client.reserve();
  let lost = false;
  try {
    await streamCopy(await conn.unsafe(text).readable(), sink);
  } catch (error) {
    lost = isConnectionLoss(error);
    throw error;
  } finally {
    if (!lost) conn.release();
  }
}

function streamCopy(stream: NodeJS.ReadableStream, sink: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const chunks: Buffer[] = [];
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      if (failed || chunks.length === 0) return;
      const chunk = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks.length = 0;
      try {
        sink(chunk);
      } catch (error) {
        fail(error);
      }
    };
    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      chunks.push(chunk);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    });
    stream.on('error', (error) => {
      resumeSocket(stream);
      fail(error);
    });
    stream.on('end', () => {
      resumeSocket(stream);
      flush();
      if (!failed) resolve();
    });
  });
}

/** The part of a postgres.js client (or of one of its transactions) that sends a COPY FROM STDIN. */
export type CopyInClient = { unsafe(query: string): unknown };

/** postgres.js's client of an open Drizzle transaction (its session's), or null on PGlite. */
export function transactionPostgresJs(tx: Tx): CopyInClient | null {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  return typeof client === 'function' && typeof (client as Partial<CopyInClient>).unsafe === 'function' ? (client as unknown as CopyInClient) : null;
}

/** What postgres.js's Query is underneath: a promise whose settle functions its connection calls. */
type CopyQuery = { resolve(x: unknown): void; reject(e: unknown): void; writable(): Promise<NodeJS.WritableStream> };

/**
 * Sends `text` (COPY's text format) through `statement` (`COPY … FROM STDIN`) and resolves once the server has
 * accepted every row; rejects with the server's error otherwise. postgres.js 3.4.x resolves the query with the
 * stream at CopyInResponse and never tells the stream's user how the COPY ended: a failed COPY (a constraint, a
 * bad value) never calls the stream's final callback, so waiting for 'finish' waits forever. The connection
 * does settle the query a second time at ReadyForQuery (resolve with the result, or reject with the error);
 * those second calls are what this waits for.
 */
export async function copyFromStdin(client: CopyInClient, statement: string, text: string): Promise<void> {
  const query = client.unsafe(statement) as CopyQuery;
  const opened = { resolve: query.resolve, reject: query.reject, done: false };
  let fail: (e: unknown) => void = () => {};
  const ended = new Promise<void>((resolve, reject) => {
    fail = reject;
    query.resolve = (x) => (opened.done ? resolve() : ((opened.done = true), opened.resolve(x)));
    query.reject = (e) => (opened.done ? reject(e) : opened.reject(e));
  });
  const writable = await query.writable();
  // A connection lost mid-COPY destroys the stream: an 'error' without a listener would end the process.
  writable.on('error', fail);
  writable.end(text);
  await ended;
}

/** PGlite's client of an open Drizzle transaction: its query takes a Blob that COPY reads as /dev/blob. */
export type PgliteCopyClient = { query(text: string, params: unknown[], options: { blob: Blob }): Promise<unknown> };

/** PGlite's transaction client of an open Drizzle transaction, or null on a server. */
export function transactionPglite(tx: Tx): PgliteCopyClient | null {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  return client && typeof client === 'object' && typeof (client as Partial<PgliteCopyClient>).query === 'function' ? (client as PgliteCopyClient) : null;
}
