import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { preparingClient } from './prepared-statements';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A database or an open transaction: data functions accept either so callers can compose them atomically. */
export type DbOrTx = Db | Tx;

export type DbKind = 'pglite' | 'postgres';
export type DbHandle = { db: Db; kind: DbKind; close(): Promise<void> };

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'drizzle');

/**
 * Opens the one database the app uses: a PostgreSQL server when `url` is given, otherwise embedded
 * PGlite stored in `pgliteDir` (or in memory for `memory://`).
 */
export async function openDatabase(opts: { url?: string; pgliteDir?: string }): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    // Every run planned for its own values, although statements are prepared (db/prepared-statements.ts).
    const client = postgres(opts.url, { max: 10, onnotice: () => {}, connection: { plan_cache_mode: 'force_custom_plan' } });
    const db = drizzle(preparingClient(client), { schema }) as unknown as Db;
    return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  }
  const dir = opts.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) fs.mkdirSync(path.dirname(dir), { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
  const { drizzle } = await import('drizzle-orm/pglite');
  // The same extensions the migrations create on a server (free-text and GIN indexes).
  const client = await PGlite.create(dir, { extensions: { pg_trgm, btree_gin } });
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: 'pglite', close: () => client.close() };
}

/** Applies the committed migrations in `migrationsFolder` (default drizzle/) the same way to both databases. */
export async function applyMigrations(handle: DbHandle, migrationsFolder: string = MIGRATIONS_FOLDER): Promise<void> {
  if (handle.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await migrate(handle.db as never, { migrationsFolder });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder });
  }
}
