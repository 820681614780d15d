import type { DbHandle } from '@/db/client';
import { withStartupLock } from '@/db/queries/startup-lock';
import { startCheckpointSchedule } from '@/lib/lifecycle/checkpoint-schedule';
import { startPartitionSchedule } from '@/lib/lifecycle/partition-schedule';
import { ensureFuturePartitions } from '@/lib/lifecycle/partitions';
import { startRetentionSchedule } from '@/lib/lifecycle/retention-schedule';
import { seedDemoIfEmpty } from '@/lib/seed/demo';
import { getSettings } from '@/lib/settings';
import { createStreamLoop, streamLoopOptionsFromSettings } from '@/lib/streams/delivery-loop';
import { getDb, getDbHandle } from './app-db';
import { analyzeEmbedded } from './embedded-analyze';

/**
 * Everything a server process does once at start, in order: open + migrate the app database (chain backfill
 * included), create the lean hourly audit_events partitions for this hour and the next 24, seed the demo organizations when
 * SEED_DEMO allows and the database is empty, refresh the embedded database's planner statistics, then start the
 * timers (signed chain checkpoints, retention, daily ANALYZE of the embedded database) and the log-stream delivery loop. Safe to call on every start.
 */
export async function startServer(): Promise<void> {
  const settings = getSettings();
  const started = Date.now();
  const handle = await getDbHandle();
  const where = handle.kind === 'pglite' ? `embedded PostgreSQL at ${settings.pgliteDir}` : 'PostgreSQL server (DATABASE_URL)';
  console.log(`[db] ready: ${where} (${Date.now() - started} ms)`);
  await prepareDatabase(handle, settings);
  await analyzeEmbedded(handle);
  startCheckpointSchedule(getDb, settings.checkpointMinutes);
  startRetentionSchedule(getDb, settings.retentionHours);
  startPartitionSchedule(getDb);
  if (settings.streamDelivery) createStreamLoop(getDb, streamLoopOptionsFromSettings());
}

/**
 * The once-per-database part of a start: today's and the next days' partitions, then the first-start demo seed. Under
 * the startup lock, so server processes starting together (WEB_CONCURRENCY, several instances) do it one after
 * the other: the first seeds, the others find the demo organizations there and leave them.
 */
export async function prepareDatabase(handle: DbHandle, settings: { seedDemo: boolean; seedEvents: number }): Promise<{ seeded: boolean }> {
  return withStartupLock(handle.db, async () => {
    const created = await ensureFuturePartitions(handle.db);
    if (created.length > 0) console.log(`[db] created audit_events partitions ${created.join(', ')}`);
    if (!settings.seedDemo) return { seeded: false };
    const t = Date.now();
    const seeded = await seedDemoIfEmpty(handle.db, { events: settings.seedEvents });
    if (seeded) console.log(`[db] seeded demo organizations with ${settings.seedEvents} events (${Date.now() - t} ms)`);
    return { seeded };
  });
}
