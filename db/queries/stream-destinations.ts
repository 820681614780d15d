import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { auditEvents } from '@/db/schema/audit-events';
import { streamDestinations, type StreamDestinationRow } from '@/db/schema/stream-destinations';

const d = streamDestinations;
const mine = (orgId: string, id: string) => and(eq(d.orgId, orgId), eq(d.id, id));

export type NewStreamDestination = Pick<StreamDestinationRow, 'id' | 'kind' | 'name' | 'config' | 'secretSealed' | 'filter' | 'format' | 'cursor'> & {
  createdBy: string | null;
};

/**
 * Adds a destination that starts after `cursor` (the chain head when added: new entries only, and the checkpoints
 * signed from then on). Tenancy: `orgId`.
 */
export async function insertStreamDestination(db: DbOrTx, orgId: string, values: NewStreamDestination): Promise<StreamDestinationRow> {
  const [row] = await db
    .insert(d)
    .values({ orgId, checkpointCursor: values.cursor, ...values })
    .returning();
  return row!;
}

/** One destination of the organization, or undefined. Tenancy: `orgId`. */
export async function getStreamDestination(db: DbOrTx, orgId: string, id: string): Promise<StreamDestinationRow | undefined> {
  const [row] = await db.select().from(d).where(mine(orgId, id));
  return row;
}

/** A destination with where its organization's chain stands: for health and lag on the Streams screen. */
export type StreamDestinationStatus = StreamDestinationRow & { headSeq: number; oldestPendingAt: Date | null };

/**
 * The organization's destinations, oldest first, each with the chain head's seq and the arrival time of the
 * first entry it has not passed yet (null when caught up). Tenancy: `orgId`.
 */
export async function listStreamDestinations(db: DbOrTx, orgId: string): Promise<StreamDestinationStatus[]> {
  const rows = await db.select().from(d).where(eq(d.orgId, orgId)).orderBy(asc(d.createdAt), asc(d.id));
  const [head] = rowsOf<{ seq: string | null }>(await db.execute(sql`select seq::text as seq from audit_chain_heads where org_id = ${orgId}`));
  const headSeq = Number(head?.seq ?? 0);
  const out: StreamDestinationStatus[] = [];
  for (const row of rows) {
    let oldestPendingAt: Date | null = null;
    if (row.cursor < headSeq) {
      const [next] = await db
        .select({ at: auditEvents.receivedAt })
        .from(auditEvents)
        .where(and(eq(auditEvents.orgId, orgId), sql`${auditEvents.seq} > ${row.cursor}`))
        .orderBy(asc(auditEvents.seq))
        .limit(1);
      oldestPendingAt = next?.at ?? null;
    }
    out.push({ ...row, headSeq, oldestPendingAt });
  }
  return out;
}

/** Pauses or resumes; resuming makes it due at once. Tenancy: `orgId`. */
export async function setStreamDestinationPaused(db: DbOrTx, orgId: string, id: string, paused: boolean): Promise<StreamDestinationRow | undefined> {
  const [row] = await db
    .update(d)
    .set(paused ? { paused } : { paused, nextAttemptAt: sql`now()` })
    .where(mine(orgId, id))
    .returning();
  return row;
}

/**
 * Moves the cursor back (or forward) for a replay: the batch in flight is abandoned, the generation bumped (new
 * batch ids) and the destination due at once. An instance holding the lease can no longer advance the old
 * position (its update names the old cursor). Tenancy: `orgId`.
 */
export async function replayStreamDestination(db: DbOrTx, orgId: string, id: string, cursor: number): Promise<StreamDestinationRow | undefined> {
  const [row] = await db
    .update(d)
    // Checkpoints of tree sizes past the new cursor cover replayed entries: they are sent again after them.
    .set({
      cursor,
      pendingThroughSeq: null,
      checkpointCursor: cursor,
      pendingCheckpointSize: null,
      generation: sql`${d.generation} + 1`,
      nextAttemptAt: sql`now()`,
    })
    .where(mine(orgId, id))
    .returning();
  return row;
}

/** Removes a destination (its sealed secret with it). Tenancy: `orgId`. */
export async function deleteStreamDestination(db: DbOrTx, orgId: string, id: string): Promise<StreamDestinationRow | undefined> {
  const [row] = await db.delete(d).where(mine(orgId, id)).returning();
  return row;
}

/** The lowest seq still stored for the organization (retention removes a prefix), or null when none. Tenancy: `orgId`. */
export async function firstRetainedSeq(db: DbOrTx, orgId: string): Promise<number | null> {
  const [row] = await db.select({ seq: auditEvents.seq }).from(auditEvents).where(eq(auditEvents.orgId, orgId)).orderBy(asc(auditEvents.seq)).limit(1);
  return row?.seq ?? null;
}

/** The lowest seq among entries that occurred at or after `at` (late arrivals have high seqs), or null. Tenancy: `orgId`. */
export async function firstSeqSince(db: DbOrTx, orgId: string, at: Date): Promise<number | null> {
  const [row] = await db
    .select({ seq: sql<string | null>`min(${auditEvents.seq})::text` })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), sql`${auditEvents.occurredAt} >= ${at.toISOString()}::timestamptz`));
  return row?.seq == null ? null : Number(row.seq);
}

/** A claimed destination with its chain head at the time of the claim. */
export type ClaimedDestination = StreamDestinationRow & { headSeq: number };

/**
 * Leases up to `limit` due destinations to `owner` for `leaseSeconds`: unpaused, next_attempt_at passed, no
 * live lease, and something to send: its chain head beyond the cursor, a batch pending, or a signed checkpoint whose
 * entries it has been sent but which it has not (audit_checkpoints_org_seq_idx). FOR UPDATE SKIP LOCKED: instances
 * claiming at once get different rows; an instance that dies leaves a lease that simply expires. Across
 * organizations by design (the loop serves them all); every later statement names the row's org_id.
 */
export async function claimDueDestinations(db: DbOrTx, owner: string, leaseSeconds: number, limit: number): Promise<ClaimedDestination[]> {
  const result = await db.execute(sql`
    with due as (
      select d.org_id, d.id, h.seq as head_seq
      from stream_destinations d join audit_chain_heads h on h.org_id = d.org_id
      where not d.paused and d.next_attempt_at <= now()
        and (d.lease_until is null or d.lease_until < now())
        and (h.seq > d.cursor or d.pending_through_seq is not null
          or exists (select 1 from audit_checkpoints c
                     where c.org_id = d.org_id and c.seq > d.checkpoint_cursor and c.seq <= d.cursor and c.note is not null))
      order by d.next_attempt_at
      limit ${limit}
      for update of d skip locked
    )
    update stream_destinations s
    set lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseSeconds})
    from due where s.org_id = due.org_id and s.id = due.id
    returning s.org_id, s.id, due.head_seq::text as head_seq`);
  const claimed = rowsOf<{ org_id: string; id: string; head_seq: string }>(result);
  const out: ClaimedDestination[] = [];
  for (const c of claimed) {
    const row = await getStreamDestination(db, c.org_id, c.id);
    if (row) out.push({ ...row, headSeq: Number(c.head_seq) });
  }
  return out;
}

/** The lease holder's condition: this owner, not expired, the cursor where the holder read it, not paused meanwhile. */
const leaseHeld = (orgId: string, id: string, owner: string, cursor: number) =>
  and(mine(orgId, id), eq(d.leaseOwner, owner), sql`${d.leaseUntil} > now()`, eq(d.cursor, cursor), eq(d.paused, false));

/**
 * Fixes the batch about to be attempted, its entries through `throughSeq` and its checkpoints through
 * `checkpointSize` (null: none), so retries resend exactly it; extends the lease. false when the lease is lost. Tenancy: `orgId`.
 */
export async function fixPendingBatch(
  db: DbOrTx,
  orgId: string,
  id: string,
  owner: string,
  cursor: number,
  throughSeq: number,
  leaseSeconds: number,
  checkpointSize: number | null = null,
) {
  const rows = await db
    .update(d)
    .set({
      pendingThroughSeq: throughSeq,
      pendingCheckpointSize: checkpointSize,
      lastAttemptAt: sql`now()`,
      leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .where(leaseHeld(orgId, id, owner, cursor))
    .returning({ id: d.id });
  return rows.length === 1;
}

/**
 * After a delivered batch: the cursor moves from `from` to `to` only if `owner` still holds an unexpired lease
 * and nobody moved the cursor meanwhile (a replay) — one statement, so the check and the move are one
 * transaction. The checkpoint cursor moves with it to `checkpointTo` when given (the batch carried checkpoints).
 * Clears the failure state and extends the lease. false: the lease was lost, nothing changed.
 */
export async function advanceCursor(
  db: DbOrTx,
  orgId: string,
  id: string,
  owner: string,
  from: number,
  to: number,
  leaseSeconds: number,
  checkpointTo?: number,
) {
  const rows = await db
    .update(d)
    .set({
      cursor: to,
      pendingThroughSeq: null,
      pendingCheckpointSize: null,
      ...(checkpointTo === undefined ? {} : { checkpointCursor: checkpointTo }),
      lastDeliveredAt: sql`now()`,
      consecutiveFailures: 0,
      lastError: null,
      unhealthy: false,
      leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})`,
    })
    .where(leaseHeld(orgId, id, owner, from))
    .returning({ id: d.id });
  return rows.length === 1;
}

/** After a failed attempt: failure count, error, health, when to retry; the lease is released. false: the lease was lost. */
export async function recordDeliveryFailure(
  db: DbOrTx,
  orgId: string,
  id: string,
  owner: string,
  cursor: number,
  failure: { consecutiveFailures: number; lastError: string; unhealthy: boolean; retryInMs: number },
) {
  const rows = await db
    .update(d)
    .set({
      consecutiveFailures: failure.consecutiveFailures,
      lastError: failure.lastError,
      unhealthy: failure.unhealthy,
      nextAttemptAt: sql`now() + make_interval(secs => ${failure.retryInMs / 1000})`,
      leaseOwner: null,
      leaseUntil: null,
    })
    .where(leaseHeld(orgId, id, owner, cursor))
    .returning({ id: d.id });
  return rows.length === 1;
}

/** Hands the destination back (due again after `dueInMs`) so other destinations get their turn. Tenancy: `orgId`. */
export async function releaseLease(db: DbOrTx, orgId: string, id: string, owner: string, dueInMs = 0): Promise<void> {
  await db
    .update(d)
    .set({ leaseOwner: null, leaseUntil: null, nextAttemptAt: sql`now() + make_interval(secs => ${dueInMs / 1000})` })
    .where(and(mine(orgId, id), eq(d.leaseOwner, owner)));
}
