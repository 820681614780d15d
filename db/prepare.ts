import { ensureFuturePartitions } from '@/lib/lifecycle/partitions';
import { getSettings } from '@/lib/settings';
import { analyzeEmbedded } from './embedded-analyze';
import { getDbHandle } from './index';
import { seedDemoIfEmpty } from './seed/demo';

/**
 * Opens + migrates the app database, creates audit_events partitions for this month and the next 3, and, when
 * SEED_DEMO allows, seeds it once; the embedded database also gets its planner statistics refreshed. Safe to call on
 * every start.
 */
export async function prepareDatabase() {
  const settings = getSettings();
  const started = Date.now();
  const handle = await getDbHandle();
  const where = handle.kind === 'pglite' ? `embedded PostgreSQL at ${settings.pgliteDir}` : 'PostgreSQL server (DATABASE_URL)';
  console.log(`[db] ready: ${where} (${Date.now() - started} ms)`);
  const created = await ensureFuturePartitions(handle.db);
  if (created.length > 0) console.log(`[db] created audit_events partitions ${created.join(', ')}`);
  if (settings.seedDemo) {
    const t = Date.now();
    if (await seedDemoIfEmpty(handle.db, { events: settings.seedEvents })) {
      console.log(`[db] seeded demo organizations with ${settings.seedEvents} events (${Date.now() - t} ms)`);
    }
  }
  await analyzeEmbedded(handle);
}
