import type { Db } from '@/db/client';
import { describeRetention, runRetention } from '@/lib/lifecycle/retention';

const holder = globalThis as unknown as { __auditRetentionTimer?: NodeJS.Timeout; __auditRetentionRunning?: boolean };

/** The first run waits this long after start, so it never competes with migration and seeding. */
const FIRST_RUN_DELAY_MS = 60_000;

/** Runs retention unless a run is already going in this process; returns false when it skipped. */
export async function runRetentionOnce(getDb: () => Promise<Db>): Promise<boolean> {
  if (holder.__auditRetentionRunning) return false;
  holder.__auditRetentionRunning = true;
  try {
    for (const r of await runRetention(await getDb())) if (r.removed > 0) console.log(`[audit] retention: ${describeRetention(r)}`);
    return true;
  } catch (error) {
    console.error('[audit] retention run failed', error);
    return true;
  } finally {
    holder.__auditRetentionRunning = false;
  }
}

/**
 * Applies retention a minute after start and then every `hours` (AUDIT_RETENTION_HOURS, default 24; 0 = off).
 * One timer per process (kept on globalThis across dev reloads), never two runs at once; unref'd timers.
 */
export function startRetentionSchedule(getDb: () => Promise<Db>, hours: number): void {
  if (hours <= 0 || holder.__auditRetentionTimer) return;
  const tick = () => void runRetentionOnce(getDb);
  holder.__auditRetentionTimer = setTimeout(() => {
    tick();
    holder.__auditRetentionTimer = setInterval(tick, hours * 3_600_000);
    holder.__auditRetentionTimer.unref();
  }, FIRST_RUN_DELAY_MS);
  holder.__auditRetentionTimer.unref();
}
