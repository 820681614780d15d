import type { Db, Tx } from '@/db/client';
import { dropPartition, limitLockWait, partitionContents } from '@/db/queries/audit-event-partitions';
import { deleteEntriesThrough, getEntryHashAt, getFirstSeqSince, replaceChainAnchor } from '@/db/queries/audit-event-retention';
import { getOrganization, listOrganizationIds } from '@/db/queries/tenancy';
import { lockChainHead } from '@/lib/chain/append';
import { ensureFuturePartitions, listMonthPartitions } from '@/lib/lifecycle/partitions';
import { recordAuditEvent } from '@/lib/recording/record';

const DAY_MS = 86_400_000;

export type OrgRetention = {
  orgId: string;
  slug: string;
  retentionDays: number;
  cutoff: Date;
  /** Entries removed by this run (0 when nothing was old enough, or on legal hold). */
  removed: number;
  /** The highest removed seq, i.e. the new chain anchor; null when nothing was removed. */
  throughSeq: number | null;
  legalHold: boolean;
  /** Monthly partitions dropped whole that held some of these entries. */
  droppedPartitions: string[];
};

/** An organization's retention state read under its chain-head lock: what may go, up to which seq. */
type Plan = OrgRetention & { through: number; lastHash: string | null };

function toResult({ orgId, slug, retentionDays, cutoff, removed, throughSeq, legalHold, droppedPartitions }: OrgRetention): OrgRetention {
  return { orgId, slug, retentionDays, cutoff, removed, throughSeq, legalHold, droppedPartitions };
}

/**
 * The last seq retention may remove: everything up to the first entry that must stay. Retention removes a
 * prefix of the chain, so the remaining entries still link to one anchor. An entry ingested late with an old
 * occurred_at (and so a high seq) therefore waits until every entry before it is old enough too, and an old
 * entry never shields newer ones: the prefix ends just before the first seq at or after the cutoff.
 */
async function findRemovablePrefix(tx: Tx, orgId: string, cutoff: Date, headSeq: number): Promise<number> {
  const firstKept = await getFirstSeqSince(tx, orgId, cutoff);
  return firstKept !== null ? firstKept - 1 : headSeq;
}

/** Locks the organization's chain head (same order as appenders: organization, then head) and plans its run. */
async function planRetention(tx: Tx, orgId: string, now: Date): Promise<Plan | null> {
  const head = await lockChainHead(tx, orgId);
  const org = await getOrganization(tx, orgId);
  if (!org) return null;
  const cutoff = new Date(now.getTime() - org.retentionDays * DAY_MS);
  const plan: Plan = {
    orgId,
    slug: org.slug,
    retentionDays: org.retentionDays,
    cutoff,
    removed: 0,
    throughSeq: null,
    legalHold: org.legalHold,
    droppedPartitions: [],
    through: 0,
    lastHash: null,
  };
  if (org.legalHold) return plan;
  const through = await findRemovablePrefix(tx, orgId, cutoff, head.seq);
  const lastHash = await getEntryHashAt(tx, orgId, through);
  // No row at `through`: it is 0 or already behind the anchor, so nothing is left to remove.
  return lastHash !== null ? { ...plan, through, lastHash } : plan;
}

/**
 * Removes the rest of the planned prefix by rows (`alreadyRemoved` went with dropped partitions), moves the
 * anchor to the last removed entry and records the system entry, all in the caller's transaction.
 */
async function finishRetention(tx: Tx, plan: Plan, now: Date, alreadyRemoved: number): Promise<OrgRetention> {
  const { orgId, through, lastHash } = plan;
  if (lastHash === null) return toResult(plan);
  const removed = alreadyRemoved + (await deleteEntriesThrough(tx, orgId, through));
  await replaceChainAnchor(tx, orgId, through, lastHash);
  const metadata: Record<string, unknown> = { removed, through_seq: through, cutoff: plan.cutoff.toISOString() };
  if (plan.droppedPartitions.length > 0) metadata.dropped_partitions = plan.droppedPartitions;
  await recordAuditEvent(tx, {
    orgId,
    actor: { type: 'system', id: null, label: 'Retention job' },
    source: 'system',
    action: 'delete',
    objectType: 'audit_log',
    objectLabel: 'Audit log',
    occurredAt: now,
    message: `Removed ${removed} entries older than ${plan.retentionDays} days (through #${through})`,
    metadata,
  });
  return { ...plan, removed, throughSeq: through };
}

/**
 * Applies one organization's retention period by deleting rows, in ONE transaction holding its chain-head
 * lock. Nothing removed means nothing recorded, so repeated runs leave no trace. Tenancy: `orgId` only.
 */
export async function applyRetention(db: Db, orgId: string, now: Date): Promise<OrgRetention | null> {
  return db.transaction(async (tx) => {
    const plan = await planRetention(tx, orgId, now);
    if (!plan) return null;
    return toResult(await finishRetention(tx, plan, now, 0));
  });
}

/**
 * Drops every past monthly partition whose rows are ALL removable: each organization with rows in it is off
 * legal hold and those rows lie in its removable prefix (a partition holds every organization). Empty past
 * partitions go once no organization's period reaches into them. One transaction holding every chain head
 * (appenders wait; none can slip a late entry into a partition being dropped), so the organizations touched
 * also get the rest of their prefix deleted, their anchor and their system entry here. A lock wait over 5 s
 * (a long export reading audit_events) aborts the pass; the row pass then does the work.
 */
async function dropExpiredPartitions(db: Db, now: Date): Promise<Map<string, OrgRetention>> {
  const done = new Map<string, OrgRetention>();
  const candidates = (await listMonthPartitions(db)).filter((p) => p.to <= now);
  if (candidates.length === 0) return done;
  await db
    .transaction(async (tx) => {
      await limitLockWait(tx, 5);
      const plans = new Map<string, Plan>();
      for (const id of await listOrganizationIds(tx)) {
        const plan = await planRetention(tx, id, now);
        if (plan) plans.set(id, plan);
      }
      // An empty month may go once it lies before every organization's cutoff (none: keep it).
      const oldestCutoff = plans.size ? Math.min(...[...plans.values()].map((p) => p.cutoff.getTime())) : -Infinity;
      const dropped = new Map<string, number>();
      for (const partition of candidates) {
        const contents = await partitionContents(tx, partition.name);
        const removable =
          contents.length === 0
            ? partition.to.getTime() <= oldestCutoff
            : contents.every((c) => {
                const plan = plans.get(c.orgId);
                return plan !== undefined && !plan.legalHold && plan.lastHash !== null && c.maxSeq <= plan.through;
              });
        if (!removable) continue;
        await dropPartition(tx, partition.name);
        for (const c of contents) {
          dropped.set(c.orgId, (dropped.get(c.orgId) ?? 0) + c.rows);
          plans.get(c.orgId)!.droppedPartitions.push(partition.name);
        }
      }
      for (const [orgId, rows] of dropped) {
        done.set(orgId, toResult(await finishRetention(tx, plans.get(orgId)!, now, rows)));
      }
    })
    .catch((error: unknown) => {
      done.clear();
      console.warn('[audit] retention: dropping partitions failed, deleting rows instead', error);
    });
  return done;
}

/**
 * Runs retention for every organization, skipping those on legal hold: first creates the coming months'
 * partitions, then drops whole expired partitions where it can, then deletes the remaining old rows one
 * organization per transaction. Safe to run repeatedly and concurrently with writers.
 */
export async function runRetention(db: Db, opts: { now?: Date } = {}): Promise<OrgRetention[]> {
  const now = opts.now ?? new Date();
  await ensureFuturePartitions(db, now);
  const byPartition = await dropExpiredPartitions(db, now);
  const results: OrgRetention[] = [];
  for (const orgId of await listOrganizationIds(db)) {
    const r = await applyRetention(db, orgId, now);
    // An organization finished by the partition pass has nothing left for the row pass.
    const first = byPartition.get(orgId);
    if (first) results.push(r && r.removed > 0 ? { ...r, removed: first.removed + r.removed, droppedPartitions: first.droppedPartitions } : first);
    else if (r) results.push(r);
  }
  return results;
}

/** One line for people: "acme: removed 120 entries older than 365 days (through #120)". */
export function describeRetention(r: OrgRetention): string {
  if (r.legalHold) return `${r.slug}: on legal hold, nothing removed`;
  if (r.removed === 0) return `${r.slug}: nothing older than ${r.retentionDays} days (before ${r.cutoff.toISOString()})`;
  const parts = r.droppedPartitions.length ? `, ${r.droppedPartitions.length} whole month partition(s) dropped` : '';
  return `${r.slug}: removed ${r.removed} entries older than ${r.retentionDays} days (through #${r.throughSeq})${parts}`;
}
