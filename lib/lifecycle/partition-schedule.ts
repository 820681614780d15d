import type { Db } from '@/db/client';
import { runPartitionJob } from '@/lib/lifecycle/partition-close';

const holder = globalThis as unknown as { __auditPartitionTimer?: NodeJS.Timeout };

/** The job runs this often: an hour's partition is closed within 5 minutes of its grace period's end. */
const EVERY_MS = 5 * 60_000;
/** The first run waits this long after start, so it never competes with migration and seeding. */
const FIRST_RUN_DELAY_MS = 90_000;

/**
 * Runs the partition job (lib/lifecycle/partition-close.ts) shortly after start and then every 5 minutes. One timer per
 * process (kept on globalThis across dev reloads); instances share the work through the job's advisory lock, so
 * nothing here is needed for correctness. Unref'd timers.
 */
export function startPartitionSchedule(getDb: () => Promise<Db>): void {
  if (holder.__auditPartitionTimer) return;
  const tick = async () => {
    try {
      const { created, closed, compacted } = await runPartitionJob(await getDb());
      if (created.length > 0) console.log(`[audit] created audit_events partitions ${created.join(', ')}`);
      if (closed.length > 0) console.log(`[audit] closed audit_events partitions ${closed.join(', ')} (secondary indexes built)`);
      if (compacted.length > 0) console.log(`[audit] compacted audit_events hours into ${compacted.join(', ')}`);
    } catch (error) {
      console.error('[audit] partition job failed', error);
    }
  };
  holder.__auditPartitionTimer = setTimeout(() => {
    void tick();
    holder.__auditPartitionTimer = setInterval(() => void tick(), EVERY_MS);
    holder.__auditPartitionTimer.unref();
  }, FIRST_RUN_DELAY_MS);
  holder.__auditPartitionTimer.unref();
}
