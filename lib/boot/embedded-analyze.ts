import type { DbHandle } from '@/db/client';
import { analyzeAllTables } from '@/db/queries/planner-statistics';

const DAY_MS = 86_400_000;

/**
 * The embedded database (PGlite) runs no autovacuum, so nothing would ever ANALYZE it: the planner would keep
 * guessing row counts (the 100k-event bench: a changed-field search 35 ms without statistics, 8 ms with them, and
 * totals of "more than 10,000" instead of an estimate). Refreshes statistics at start and then daily. A PostgreSQL
 * server's autovacuum does this by itself.
 */
export async function analyzeEmbedded(handle: DbHandle): Promise<void> {
  if (handle.kind !== 'pglite') return;
  const run = async () => {
    const started = Date.now();
    await analyzeAllTables(handle.db);
    console.log(`[db] refreshed planner statistics of the embedded database (${Date.now() - started} ms)`);
  };
  await run();
  setInterval(() => void run().catch((e) => console.error('[db] analyze failed', e)), DAY_MS).unref();
}
