import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { createCheckpoint } from '@/lib/chain/checkpoints';

/** Organizations whose chain head moved since their newest checkpoint (or that have none yet). */
async function listOrgsNeedingCheckpoint(db: Db): Promise<string[]> {
  const result = await db.execute(sql`
    select h.org_id from audit_chain_heads h
    where h.seq > 0 and not exists (
      select 1 from audit_checkpoints c where c.org_id = h.org_id and c.seq = h.seq and c.hash = h.hash)
    order by 1`);
  return rowsOf<{ org_id: string }>(result).map((r) => r.org_id);
}

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
