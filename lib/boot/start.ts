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
  const created = await ensureFuturePartitions(handle.db);
  if (created.length > 0) console.log(`[db] created audit_events partitions ${created.join(', ')}`);
  if (settings.seedDemo) {
    const t = Date.now();
    if (await seedDemoIfEmpty(handle.db, { events: settings.seedEvents })) {
      console.log(`[db] seeded demo organizations with ${settings.seedEvents} events (${Date.now() - t} ms)`);
    }
  }
  await analyzeEmbedded(handle);
  startCheckpointSchedule(getDb, settings.checkpointMinutes);
  startRetentionSchedule(getDb, settings.retentionHours);
  startPartitionSchedule(getDb);
  if (settings.streamDelivery) createStreamLoop(getDb, streamLoopOptionsFromSettings());
}
