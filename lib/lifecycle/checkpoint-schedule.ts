import type { Db } from '@/db/client';
import { listOrgsNeedingCheckpoint } from '@/db/queries/chain-checkpoints';
import { createCheckpoint } from '@/lib/chain/checkpoints';

/** Signs a checkpoint for every organization whose chain grew since its last one; returns how many. */
export async function checkpointAllOrgs(db: Db): Promise<number> {
  const orgs = await listOrgsNeedingCheckpoint(db);
  for (const orgId of orgs) await createCheckpoint(db, orgId);
  return orgs.length;
}

const holder = globalThis as unknown as { __auditCheckpointTimer?: NodeJS.Timeout };

/**
 * Every `minutes` (AUDIT_CHECKPOINT_MINUTES, default 60; 0 = off) signs the heads that moved. One timer per
 * process (kept on globalThis across dev reloads); unref'd so it never keeps the process alive.
 */
export function startCheckpointSchedule(getDb: () => Promise<Db>, minutes: number): void {
  if (minutes <= 0 || holder.__auditCheckpointTimer) return;
  const tick = async () => {
    try {
      const n = await checkpointAllOrgs(await getDb());
      if (n > 0) console.log(`[audit] signed chain checkpoints for ${n} organization(s)`);
    } catch (error) {
      console.error('[audit] periodic chain checkpoint failed', error);
    }
  };
  holder.__auditCheckpointTimer = setInterval(() => void tick(), minutes * 60_000);
  holder.__auditCheckpointTimer.unref();
}
