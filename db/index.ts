import { getSettings } from '@/lib/settings';
import { migrateDatabase, openDatabase, type Db, type DbHandle } from './client';

// One handle per server process; kept on globalThis so dev-mode module reloads don't open PGlite twice.
const holder = globalThis as unknown as { __auditDb?: Promise<DbHandle> };

/** The app's database, opened and migrated on first use (never at import time, so builds stay DB-free). */
export function getDbHandle(): Promise<DbHandle> {
  holder.__auditDb ??= (async () => {
    const settings = getSettings();
    const handle = await openDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir });
    await migrateDatabase(handle);
    return handle;
  })().catch((error: unknown) => {
    holder.__auditDb = undefined;
    throw error;
  });
  return holder.__auditDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export type { Db, DbOrTx, Tx } from './client';
