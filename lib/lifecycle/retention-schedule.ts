import type { Db } from '@/db/client';
import { forgetEndedAccessState } from '@/lib/lifecycle/housekeeping';
import { describeRetention, runRetention, type OrgRetention, type RetentionOptions } from '@/lib/lifecycle/retention';

const holder = globalThis as unknown as { __auditRetentionTimer?: NodeJS.Timeout; __auditRetentionRunning?: boolean };

/** The first run waits this long after start, so it never competes with migration and seeding. */
const FIRST_RUN_DELAY_MS = 60_000;

/**
 * The daily lifecycle run: retention for every organization (scheduled periods that are due take effect), then
 * expired rate-limit windows and ended sessions are forgotten. Prints one line per organization that changed.
 */
export async function runDailyLifecycle(db: Db, opts: RetentionOptions = {}, log: (line: string) => void = console.log): Promise<OrgRetention[]> {
  const results = await runRetention(db, opts);
  for (const r of results) if (r.removed > 0 || r.changed) log(describeRetention(r));
  await forgetEndedAccessState(db, opts.now);
  return results;
}

/** Runs the daily lifecycle unless a run is already going in this process; returns false when it skipped. */
export async function runRetentionOnce(getDb: () => Promise<Db>): Promise<boolean> {
  if (holder.__auditRetentionRunning) return false;
  holder.__auditRetentionRunning = true;
  try {
    await runDailyLifecycle(await getDb(), {}, (line) => console.log(`[audit] retention: ${line}`));
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
