import 'server-only';
import type { Db, DbHandle } from '@/db/client';
import { getSettings } from '@/lib/settings';
import { openMigratedDatabase } from './migrate';

// One handle per server process; kept on globalThis so dev-mode module reloads don't open PGlite twice.
const holder = globalThis as unknown as { __auditDb?: Promise<DbHandle> };

/** The app's database, opened and migrated on first use (never at import time, so builds stay DB-free). */
export function getDbHandle(): Promise<DbHandle> {
  holder.__auditDb ??= (async () => {
    const settings = getSettings();
    return openMigratedDatabase({ url: settings.databaseUrl, pgliteDir: settings.pgliteDir, bulkConnections: settings.bulkConnections });
  })().catch((error: unknown) => {
    holder.__auditDb = undefined;
    throw error;
  });
  return holder.__auditDb;
}

/** The app's database (the one process-wide handle). */
export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}
