import type { Db, Tx } from '@/db/client';
import { dropPartition, limitLockWait, listPartitions, partitionContents } from '@/db/queries/audit-event-partitions';
import { deleteEntriesThroughAnchor, getEntryHashAt, getFirstSeqSince, setRetentionAnchor } from '@/db/queries/audit-event-retention';
import { lockMerkleTree } from '@/db/queries/chain-merkle';
import { getOrganizationForUpdate, listOrganizationIds, promoteDueRetention } from '@/db/queries/tenancy';
import { lockChainHead } from '@/lib/chain/append';
import { signAnchor } from '@/lib/chain/anchor-signing';
import { advanceTree, rangeAt } from '@/lib/chain/merkle-store';
import { getSigningKey } from '@/lib/chain/signing-key';
import { ensureFuturePartitions } from '@/lib/lifecycle/partitions';
import { DAY_MS, effectiveRetentionDays, formatRetentionDue } from '@/lib/lifecycle/retention-policy';
import { getRetentionPolicy } from '@/lib/lifecycle/retention-settings';
import { recordAuditEvent } from '@/lib/recording/record';

/** What a run needs beyond the database; unset fields come from the settings (AUDIT_RETENTION_MIN_DAYS). */
export type RetentionOptions = { now?: Date; minDays?: number };

/** A scheduled (shorter) period that became current in this run. */
export type RetentionChange = { from: number; to: number; dueAt: Date };

export type OrgRetention = {
  orgId: string;
  slug: string;
  /** The period applied: the organization's own, or the floor when its own is shorter. */
  retentionDays: number;
  cutoff: Date;
  /** Entries removed by this run (0 when nothing was old enough, or on legal hold). */
  removed: number;
  /** The highest removed seq, i.e. the new chain anchor; null when nothing was removed. */
  throughSeq: number | null;
  legalHold: boolean;
  /** Partitions (monthly or daily) dropped whole that held some of these entries. */
  droppedPartitions: string[];
  /** The scheduled period that took effect in this run (recorded as a `system` settings entry), if any. */
  changed: RetentionChange | null;
};

/** An organization's retention state read under its chain-head lock: what may go, up to which seq. */
type Plan = OrgRetention & { through: number; lastHash: string | null };

function toResult({ orgId, slug, retentionDays, cutoff, removed, throughSeq, legalHold, droppedPartitions, changed }: OrgRetention): OrgRetention {
  return { orgId, slug, retentionDays, cutoff, removed, throughSeq, legalHold, droppedPartitions, changed };
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

/**
 * Locks the organization's row, then its chain head (the settings screen's order: a concurrent settings change
 * lands wholly before or after this run) and plans its run. The period is the current one, or a scheduled one
 * whose time has come, never below `minDays`.
 */
async function planRetention(tx: Tx, orgId: string, now: Date, minDays: number): Promise<Plan | null> {
  const org = await getOrganizationForUpdate(tx, orgId);
  if (!org) return null;
  const head = await lockChainHead(tx, orgId);
  const due = org.retentionPendingDays !== null && org.retentionPendingAt !== null && org.retentionPendingAt <= now;
  const changed = due ? { from: org.retentionDays, to: org.retentionPendingDays!, dueAt: org.retentionPendingAt! } : null;
  const retentionDays = effectiveRetentionDays(changed?.to ?? org.retentionDays, minDays);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const plan: Plan = {
    orgId,
    slug: org.slug,
    retentionDays,
    cutoff,
    removed: 0,
    throughSeq: null,
    legalHold: org.legalHold,
    droppedPartitions: [],
    changed,
    through: 0,
    lastHash: null,
  };
  if (org.legalHold) return plan;
  const through = await findRemovablePrefix(tx, orgId, cutoff, head.seq);
  const lastHash = await getEntryHashAt(tx, orgId, through);
  // No row at `through`: it is 0 or already behind the anchor, so nothing is left to remove.
  return lastHash !== null ? { ...plan, through, lastHash } : plan;
}

/** Makes the due scheduled period current and records that it took effect, in the caller's transaction. */
async function applyScheduledChange(tx: Tx, plan: Plan, now: Date): Promise<void> {
  const { changed } = plan;
  if (!changed || !(await promoteDueRetention(tx, plan.orgId, now))) return;
  const pendingAt = changed.dueAt.toISOString();
  await recordAuditEvent(tx, {
    orgId: plan.orgId,
    actor: { type: 'system', id: null, label: 'Retention job' },
    source: 'system',
    action: 'update',
    objectType: 'settings',
    objectId: plan.orgId,
    objectLabel: 'Organization settings',
    module: 'Settings',
    occurredAt: now,
    message: `Scheduled retention change took effect: ${changed.from} → ${changed.to} days (due ${formatRetentionDue(changed.dueAt)})`,
    before: { retention_days: changed.from, retention_pending_days: changed.to, retention_pending_at: pendingAt },
    after: { retention_days: changed.to, retention_pending_days: null, retention_pending_at: null },
  });
}

/**
 * Moves the organization's anchor to the last entry the plan removes, signed with the checkpoint key (with the
 * Merkle tree's compact range there, so verification can go on computing roots), through drizzle/0012's function.
 * Lock: the caller holds the organization's tree lock and chain head.
 */
async function anchorRetention(tx: Tx, plan: Plan): Promise<void> {
  const { orgId, through, lastHash } = plan;
  if (lastHash === null) return;
  let merkleRange: string | null = null;
  try {
    if (await advanceTree(tx, orgId, through)) merkleRange = (await rangeAt(tx, orgId, through)).serialize();
  } catch (error) {
    console.warn(`[audit] retention: no Merkle range for the anchor of ${plan.slug} at #${through}`, error);
  }
  const signedAt = new Date();
  const signed = signAnchor({ orgId, seq: through, hash: lastHash, merkleRange, signedAt }, getSigningKey());
  await setRetentionAnchor(tx, orgId, { seq: through, hash: lastHash, merkleRange, signedAt, ...signed });
}

/**
 * Makes a due scheduled period current, removes the rest of the planned prefix by rows up to the anchor (set by
 * anchorRetention; `alreadyRemoved` went with dropped partitions) and records the system entries, all in the
 * caller's transaction.
 */
async function finishRetention(tx: Tx, plan: Plan, now: Date, alreadyRemoved: number): Promise<OrgRetention> {
  await applyScheduledChange(tx, plan, now);
  const { orgId, through, lastHash } = plan;
  if (lastHash === null) return toResult(plan);
  const removed = alreadyRemoved + (await deleteEntriesThroughAnchor(tx, orgId));
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
 * Applies one organization's retention period by deleting rows, in ONE transaction holding its row and
 * chain-head locks (a due scheduled period becomes current in it too). Nothing removed and nothing due means
 * nothing recorded, so repeated runs leave no trace. Tenancy: `orgId` only.
 */
export async function applyRetention(db: Db, orgId: string, now: Date, opts: Pick<RetentionOptions, 'minDays'> = {}): Promise<OrgRetention | null> {
  const minDays = opts.minDays ?? getRetentionPolicy().minDays;
  return db.transaction(async (tx) => {
    await lockMerkleTree(tx, orgId);
    const plan = await planRetention(tx, orgId, now, minDays);
    if (!plan) return null;
    await anchorRetention(tx, plan);
    return toResult(await finishRetention(tx, plan, now, 0));
  });
}

/**
 * Drops every past partition (monthly or daily) whose rows are ALL removable: each organization with rows in it is off
 * legal hold and those rows lie in its removable prefix (a partition holds every organization). Empty past
 * partitions go once no organization's period reaches into them. One transaction holding every chain head
 * (appenders wait; none can slip a late entry into a partition being dropped), so the organizations touched
 * also get the rest of their prefix deleted, their anchor and their system entry here. A lock wait over 5 s
 * (a long export reading audit_events) aborts the pass; the row pass then does the work.
 */
async function dropExpiredPartitions(db: Db, now: Date, minDays: number): Promise<Map<string, OrgRetention>> {
  const done = new Map<string, OrgRetention>();
  const candidates = (await listPartitions(db)).filter((p) => p.to <= now);
  if (candidates.length === 0) return done;
  await db
    .transaction(async (tx) => {
      await limitLockWait(tx, 5);
      const plans = new Map<string, Plan>();
      const orgIds = await listOrganizationIds(tx);
      // Tree locks first, in the same order everywhere (checkpointing takes only the tree lock, then appends).
      for (const id of orgIds) await lockMerkleTree(tx, id);
      for (const id of orgIds) {
        const plan = await planRetention(tx, id, now, minDays);
        if (plan) plans.set(id, plan);
      }
      // An empty partition may go once it lies before every organization's cutoff (none: keep it).
      const oldestCutoff = plans.size ? Math.min(...[...plans.values()].map((p) => p.cutoff.getTime())) : -Infinity;
      const dropped = new Map<string, number>();
      const anchored = new Set<string>();
      for (const partition of candidates) {
        const contents = await partitionContents(tx, partition);
        const removable =
          contents.length === 0
            ? partition.to.getTime() <= oldestCutoff
            : contents.every((c) => {
                const plan = plans.get(c.orgId);
                return plan !== undefined && !plan.legalHold && plan.lastHash !== null && c.maxSeq <= plan.through;
              });
        if (!removable) continue;
        // The signed anchors first: the drop function refuses rows past their organization's anchor.
        for (const c of contents) {
          if (anchored.has(c.orgId)) continue;
          await anchorRetention(tx, plans.get(c.orgId)!);
          anchored.add(c.orgId);
        }
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
 * Runs retention for every organization, skipping those on legal hold: first creates the coming days'
 * partitions, then drops whole expired partitions where it can, then deletes the remaining old rows one
 * organization per transaction. Each organization keeps max(its period, `minDays`); a scheduled shorter period
 * counts only once due. Safe to run repeatedly and concurrently with writers.
 */
export async function runRetention(db: Db, opts: RetentionOptions = {}): Promise<OrgRetention[]> {
  const now = opts.now ?? new Date();
  const minDays = opts.minDays ?? getRetentionPolicy().minDays;
  await ensureFuturePartitions(db, now);
  const byPartition = await dropExpiredPartitions(db, now, minDays);
  const results: OrgRetention[] = [];
  for (const orgId of await listOrganizationIds(db)) {
    const r = await applyRetention(db, orgId, now, { minDays });
    // An organization finished by the partition pass has nothing left for the row pass.
    const first = byPartition.get(orgId);
    if (first)
      results.push(
        r && r.removed > 0 ? { ...r, removed: first.removed + r.removed, droppedPartitions: first.droppedPartitions, changed: first.changed } : first,
      );
    else if (r) results.push(r);
  }
  return results;
}

/** One line for people: "acme: removed 120 entries older than 365 days (through #120)". */
export function describeRetention(r: OrgRetention): string {
  const change = r.changed ? `retention changed from ${r.changed.from} to ${r.changed.to} days as scheduled; ` : '';
  if (r.legalHold) return `${r.slug}: ${change}on legal hold, nothing removed`;
  if (r.removed === 0) return `${r.slug}: ${change}nothing older than ${r.retentionDays} days (before ${r.cutoff.toISOString()})`;
  const parts = r.droppedPartitions.length ? `, ${r.droppedPartitions.length} whole partition(s) dropped` : '';
  return `${r.slug}: ${change}removed ${r.removed} entries older than ${r.retentionDays} days (through #${r.throughSeq})${parts}`;
}
