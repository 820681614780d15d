import type { Db } from '@/db/client';
import { listOrgsNeedingCheckpoint } from '@/db/queries/chain-checkpoints';
import { listOrganizationIds } from '@/db/queries/tenancy';
import { publishCheckpoints } from '@/lib/chain/checkpoint-file';
import { tryCreateCheckpoint } from '@/lib/chain/checkpoints';
import { getSigningKey } from '@/lib/chain/signing-key';
import { getSettings } from '@/lib/settings';

/**
 * Signs a checkpoint for every organization whose chain grew since its last one; returns how many it signed. An
 * organization another run holds (this or another instance: the tree lock lives in the database) is skipped. Then
 * appends every organization's new checkpoints, whoever signed them, to its file under DATA_DIR (./checkpoint-file).
 */
export async function checkpointAllOrgs(db: Db, dataDir: string = getSettings().dataDir): Promise<number> {
  let signed = 0;
  for (const orgId of await listOrgsNeedingCheckpoint(db)) {
    try {
      if (await tryCreateCheckpoint(db, orgId)) signed += 1;
    } catch (error) {
      console.error(`[audit] no checkpoint for organization ${orgId}: its chain cannot be folded into the Merkle tree`, error);
    }
  }
  const { publicKeyPem } = getSigningKey();
  for (const orgId of await listOrganizationIds(db)) await publishCheckpoints(db, orgId, dataDir, publicKeyPem);
  return signed;
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
