import { applyMigrations, openDatabase, type DbHandle, type OpenOptions } from '@/db/client';
import { withStartupLock } from '@/db/queries/startup-lock';
import { backfillChains } from '@/lib/chain/backfill';

/**
 * Applies the committed migrations, then hash-chains any entries written before the chain existed (a no-op once
 * done). Every process that opens the database goes through here: the server (each of its worker processes), the
 * scripts, the tests, the bench; under the startup lock, so processes starting together migrate one at a time.
 */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  await withStartupLock(handle.db, async () => {
    await applyMigrations(handle);
    const filled = await backfillChains(handle.db);
    if (filled.orgs > 0) console.log(`[db] hash-chained the existing entries of ${filled.orgs} organization(s)`);
  });
}

/** Opens the database at `url` (a server) or `pgliteDir` (embedded) and brings it up to date. */
export async function openMigratedDatabase(opts: OpenOptions): Promise<DbHandle> {
  const handle = await openDatabase(opts);
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
