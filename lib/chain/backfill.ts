import type { Db } from '@/db/client';
import { chainColumnsNullable, listOrgsWithUnchainedEntries, listUnchainedEntries, requireChainColumns, setChainColumns } from '@/db/queries/chain-backfill';
import { updateChainHead } from '@/db/queries/chain-head';
import { linkRows, lockChainHead, type UnchainedRow } from '@/lib/chain/append';

const BATCH = 1000;

/** Chains one batch of an organization's unchained rows onto its head; returns how many (0: done). */
async function backfillBatch(db: Db, orgId: string): Promise<number> {
  return db.transaction(async (tx) => {
    const head = await lockChainHead(tx, orgId);
    const rows = await listUnchainedEntries(tx, orgId, BATCH);
    if (rows.length === 0) return 0;
    const linked = linkRows(rows as UnchainedRow[], head);
    await setChainColumns(tx, orgId, linked.rows);
    await updateChainHead(tx, orgId, linked.head);
    return rows.length;
  });
}

/**
 * Chains entries written before the hash chain existed (drizzle/0005 added the columns nullable): per
 * organization, in (occurred_at, id) order, appended after its current head under the head lock, then
 * makes the columns NOT NULL. Idempotent and cheap when there is nothing to do; run after migrations.
 */
export async function backfillChains(db: Db): Promise<{ orgs: number; rows: number }> {
  if (!(await chainColumnsNullable(db))) return { orgs: 0, rows: 0 };
  const orgs = await listOrgsWithUnchainedEntries(db);
  let rows = 0;
  for (const orgId of orgs) {
    for (let n = await backfillBatch(db, orgId); n > 0; n = await backfillBatch(db, orgId)) rows += n;
  }
  await requireChainColumns(db);
  return { orgs: orgs.length, rows };
}
