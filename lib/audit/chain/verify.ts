import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditChainAnchors, auditChainHeads } from '@/db/schema/audit-chain';
import { auditEvents, type AuditEventRow } from '@/db/schema/audit-events';
import { computeEntryHash, GENESIS_HASH } from './entry-hash';

export const CHAIN_BREAK_REASONS = ['hash_mismatch', 'prev_hash_mismatch', 'missing_seq', 'out_of_order', 'head_mismatch'] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

/** The last entry that verified (seq 0 / the anchor when the chain is empty). */
export type ChainPoint = { seq: number; hash: string; occurredAt: string | null };

export type ChainVerification =
  | { ok: true; orgId: string; verifiedThrough: ChainPoint; count: number }
  | {
      ok: false;
      orgId: string;
      /** The seq where the chain breaks (for missing_seq: the first missing number). */
      at: number;
      /** The entry at `at`; for missing_seq the first entry after the gap (null when the end is missing). */
      eventId: string | null;
      reason: ChainBreakReason;
      detail: string;
      verifiedThrough: ChainPoint;
      count: number;
    };

type Break = Omit<Extract<ChainVerification, { ok: false }>, 'ok' | 'orgId' | 'verifiedThrough' | 'count'>;

async function readHead(tx: DbOrTx, orgId: string) {
  const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.orgId, orgId));
  return head;
}

/** Why the stored link is wrong: it points at another existing entry (order changed) or at nothing known. */
async function linkBreak(tx: DbOrTx, orgId: string, row: AuditEventRow): Promise<Break> {
  const [target] = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.hash, row.prevHash)))
    .limit(1);
  if (target) {
    return { at: row.seq, eventId: row.id, reason: 'out_of_order', detail: `#${row.seq} links to #${target.seq} instead of its predecessor` };
  }
  return { at: row.seq, eventId: row.id, reason: 'prev_hash_mismatch', detail: `#${row.seq}'s previous-hash link matches no entry` };
}

/**
 * Recomputes an organization's whole chain from its retention anchor (or genesis) up to its head, in seq
 * order and keyset batches, and reports the first break. Read-only, takes no locks: writers keep appending
 * meanwhile, and every row at or below the head read first is already committed. Tenancy: `orgId` only.
 */
export async function verifyChain(tx: DbOrTx, orgId: string, opts: { batchSize?: number } = {}): Promise<ChainVerification> {
  const batchSize = opts.batchSize ?? 1000;
  const [anchor] = await tx.select().from(auditChainAnchors).where(eq(auditChainAnchors.orgId, orgId)).orderBy(desc(auditChainAnchors.seq)).limit(1);
  const head = await readHead(tx, orgId);
  const start: ChainPoint = { seq: anchor?.seq ?? 0, hash: anchor?.hash ?? GENESIS_HASH, occurredAt: null };
  const headPoint = head ?? { seq: start.seq, hash: start.hash };
  let last = start;
  let count = 0;
  const done = (b: Break | null): ChainVerification =>
    b ? { ok: false, orgId, ...b, verifiedThrough: last, count } : { ok: true, orgId, verifiedThrough: last, count };

  for (;;) {
    const rows = await tx
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), gt(auditEvents.seq, last.seq), lte(auditEvents.seq, headPoint.seq)))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize);
    for (const row of rows) {
      const expected = last.seq + 1;
      if (row.seq !== expected) {
        return done({ at: expected, eventId: row.id, reason: 'missing_seq', detail: `#${expected}${row.seq - expected > 1 ? `–#${row.seq - 1}` : ''} missing before #${row.seq}` });
      }
      if (row.prevHash !== last.hash) return done(await linkBreak(tx, orgId, row));
      if (computeEntryHash(row) !== row.hash) {
        return done({ at: row.seq, eventId: row.id, reason: 'hash_mismatch', detail: `#${row.seq}'s content does not match its hash` });
      }
      last = { seq: row.seq, hash: row.hash, occurredAt: row.occurredAt.toISOString() };
      count += 1;
    }
    if (rows.length < batchSize) break;
  }

  if (last.seq < headPoint.seq) {
    return done({ at: last.seq + 1, eventId: null, reason: 'missing_seq', detail: `#${last.seq + 1}–#${headPoint.seq} missing at the end (the chain head is #${headPoint.seq})` });
  }
  if (last.hash !== headPoint.hash) {
    return done({ at: headPoint.seq, eventId: null, reason: 'head_mismatch', detail: `the chain head's hash for #${headPoint.seq} differs from the entry's` });
  }
  const [beyond] = await tx
    .select({ seq: auditEvents.seq, id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), sql`${auditEvents.seq} > ${headPoint.seq}`))
    .orderBy(asc(auditEvents.seq))
    .limit(1);
  // A row past the head read at the start is fine if a writer committed it (and moved the head) since.
  if (beyond && beyond.seq > ((await readHead(tx, orgId))?.seq ?? headPoint.seq)) {
    return done({ at: beyond.seq, eventId: beyond.id, reason: 'head_mismatch', detail: `#${beyond.seq} lies beyond the chain head (#${headPoint.seq})` });
  }
  return done(null);
}

const REASON_TEXT: Record<ChainBreakReason, string> = {
  hash_mismatch: 'hash mismatch',
  prev_hash_mismatch: 'previous-hash mismatch',
  missing_seq: 'missing entry',
  out_of_order: 'out of order',
  head_mismatch: 'chain head mismatch',
};

/** One line for people: "verified through #20123 at …" or "BROKEN at #512 (event …): hash mismatch". */
export function describeVerification(v: ChainVerification): string {
  if (v.ok) {
    return v.verifiedThrough.occurredAt ? `verified through #${v.verifiedThrough.seq} at ${v.verifiedThrough.occurredAt}` : `verified: no entries after #${v.verifiedThrough.seq}`;
  }
  const event = v.eventId ? ` (event ${v.eventId})` : '';
  return `BROKEN at #${v.at}${event}: ${REASON_TEXT[v.reason]} (${v.detail})`;
}
