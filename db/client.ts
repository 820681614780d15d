import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { paddedApplicationName, reconnectBackoff, resilientClient, startupSocket } from './connection-loss';
import { growFilesInPlace, type Memfs } from './pglite-file-growth';
import { preparingClient } from './prepared-statements';
import { rowsOf } from './rows';
import { scheduledPglite } from './scheduled-pglite';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A database or an open transaction: data functions accept either so callers can compose them atomically. */
export type DbOrTx = Db | Tx;

export type DbKind = 'pglite' | 'postgres';

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'drizzle');

export type DbHandle = {
  /** Page queries, mutations, everything short. */
  db: Db;
  /**
   * Long work (COPY exports, chain verification): on a server a separate, bounded pool, so a COPY never shares
   * a connection with a page query; on PGlite the same database as `db`.
   */
  bulk: Db;
  kind: DbKind;
  /**
   * LISTEN on `channel`: `onPayload` gets each notification's payload (after the notifying transaction commits).
   * On a server a dedicated connection (postgres.js re-listens after losing it and then calls `onListening` again,
   * so a caller can catch up on what it missed); on PGlite the embedded database's own notifications.
   * Resolves to the function that stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type OpenOptions = {
  url?: string;
  pgliteDir?: string;
  /** Connections of the long-work pool on a server (DATABASE_BULK_CONNECTIONS; default 4). */
  bulkConnections?: number;
};

// What is known about each opened handle, kept on globalThis: Next bundles this module into several chunks, and a
// route's copy must find what the copy that opened the database (lib/boot/app-db.ts) registered.
const registry = ((globalThis as { __auditDbRegistry?: { bulkPools: WeakMap<object, Db>; embedded: WeakSet<object> } }).__auditDbRegistry ??= {
  bulkPools: new WeakMap(),
  embedded: new WeakSet(),
});
// The long-work pool of each opened database, found from its main handle (bulkDbOf).
const bulkPools = registry.bulkPools;

/**
 * The long-work pool of the database `db` belongs to (DbHandle.bulk), or `db` itself: on PGlite, inside a
 * transaction (the work stays in it), or for a handle opened elsewhere.
 */
export function bulkDbOf(db: Db): Db;
export function bulkDbOf(db: DbOrTx): DbOrTx;
export function bulkDbOf(db: DbOrTx): DbOrTx {
  return bulkPools.get(db) ?? db;
}

// Handles on the embedded database: one connection, and every statement runs on Node's own thread.
const embeddedDbs = registry.embedded;

/**
 * True for the embedded database (PGlite): one unit of work at a time on Node's own thread, so callers keep each
 * unit short (smaller export batches and ingest groups) to let pages in between (db/connection-scheduler.ts).
 */
export function isEmbedded(db: DbOrTx): boolean {
  return embeddedDbs.has(db);
}

/** Seconds before postgres.js gives up a connection attempt; its default (30 s) held requests far too long. */
const CONNECT_TIMEOUT_SECONDS = 10;

/**
 * Opens the one database the app uses: a PostgreSQL server when `url` is given, otherwise embedded
 * PGlite stored in `pgliteDir` (or in memory for `memory://`).
 */
export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    // postgres://user@h1:5432,h2:5432/db lists several hosts.
    const hosts = (/^[a-z]+:\/\/(?:[^@/]*@)?([^/?]*)/i.exec(opts.url)?.[1] ?? '').split(',').length;
    const open = (max: number, name: string) =>
      postgres(opts.url!, {
        max,
        onnotice: () => {},
        connect_timeout: CONNECT_TIMEOUT_SECONDS,
        // Idle connections are closed after a minute (reopened on demand): none lingers half-dead behind a proxy.
        idle_timeout: 60,
        // Recovery from lost connections, around postgres.js bugs (./connection-loss).
        ...({ socket: startupSocket(hosts) } as object), // postgres.js takes `socket` but does not declare it
        backoff: reconnectBackoff,
        // Every run planned for its own values, although statements are prepared (db/prepared-statements.ts).
        // No JIT: the viewer's reads stop after a page, but a plan over many partitions is costed as if it read them
        // all, which crosses jit_above_cost and compiles for 150-450 ms to run for 1 ms (bench/RESULTS.md, Session 7).
        connection: { plan_cache_mode: 'force_custom_plan', jit: 'off', application_name: paddedApplicationName(name) },
      });
    const client = open(10, 'audit-log');
    const bulkClient = open(Math.max(1, opts.bulkConnections ?? 4), 'audit-log bulk');
    const db = drizzle(preparingClient(resilientClient(client)), { schema }) as unknown as Db;
    const bulk = drizzle(preparingClient(resilientClient(bulkClient)), { schema }) as unknown as Db;
    bulkPools.set(db, bulk);
    return {
      db,
      bulk,
      kind: 'postgres',
      listen: async (channel, onPayload, onListening) => {
        const { unlisten } = await client.listen(channel, onPayload, onListening);
        return unlisten;
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), bulkClient.end({ timeout: 5 })]);
      },
    };
  }
  const dir = opts.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) fs.mkdirSync(path.dirname(dir), { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  type PGliteInstance = InstanceType<typeof PGlite>;
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
  const { drizzle } = await import('drizzle-orm/pglite');
  // The same extensions the migrations create on a server (free-text and GIN indexes).
  const client = await PGlite.create(dir, { extensions: { pg_trgm, btree_gin } });
  // Tables grow without copying themselves whole at each extension (./pglite-file-growth).
  growFilesInPlace((client as unknown as { Module?: { MEMFS?: Memfs } }).Module?.MEMFS);
  // One connection, on Node's own thread: its statements are ordered so pages go before background work.
  const db = drizzle({ client: scheduledPglite(client) as unknown as PGliteInstance, schema }) as unknown as Db;
  embeddedDbs.add(db);
  return {
    db,
    bulk: db,
    kind: 'pglite',
    listen: async (channel, onPayload, onListening) => {
      const stop = await client.listen(channel, onPayload);
      onListening?.();
      return () => stop();
    },
    close: () => client.close(),
  };
}

/** Applies the committed migrations in `migrationsFolder` (default drizzle/) the same way to both databases. */
/**
 * False when the newest migration in `migrationsFolder` is recorded as applied. The migrator itself starts with
 * CREATE SCHEMA IF NOT EXISTS, which a role without CREATE rights (the two-role deployment's app role, README
 * "Tamper evidence") may not run even when there is nothing to do.
 */
async function migrationsPending(handle: DbHandle, migrationsFolder: string): Promise<boolean> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    const [row] = rowsOf<{ last: string | null }>(await handle.db.execute(sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`));
    return row?.last == null || Number(row.last) < newest;
  } catch {
    return true; // no migrations table yet
  }
}

export async function applyMigrations(handle: DbHandle, migrationsFolder: string = MIGRATIONS_FOLDER): Promise<void> {
  if (!(await migrationsPending(handle, migrationsFolder))) return;
  if (handle.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await migrate(handle.db as never, { migrationsFolder });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder });
  }
}
