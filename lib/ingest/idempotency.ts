import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { idempotencyKeys } from '@/db/schema';
import { IDEMPOTENCY_WINDOW_HOURS } from './limits';

/** A stored response, replayed verbatim for a retried request. */
export type StoredResponse = { status: number; body: unknown };

// A key older than the window counts as unused: the upsert below takes it over instead of conflicting.
const stale = sql`${idempotencyKeys.createdAt} < now() - ${sql.raw(`interval '${IDEMPOTENCY_WINDOW_HOURS} hours'`)}`;
const takeOver = { createdAt: sql`now()`, requestHash: sql`excluded.request_hash`, response: sql`null`, eventId: sql`excluded.event_id` };

/**
 * Claims an Idempotency-Key for this request inside the caller's transaction. A concurrent request with the
 * same key blocks on the row until this transaction ends, then sees it as taken. Tenancy: keys are per org.
 */
export async function claimRequestKey(
  tx: Tx,
  orgId: string,
  key: string,
  requestHash: string,
): Promise<{ claimed: true } | { claimed: false; requestHash: string | null; response: StoredResponse | null }> {
  const won = await tx
    .insert(idempotencyKeys)
    .values({ orgId, scope: 'request', key, requestHash })
    .onConflictDoUpdate({ target: [idempotencyKeys.orgId, idempotencyKeys.scope, idempotencyKeys.key], set: takeOver, setWhere: stale })
    .returning({ key: idempotencyKeys.key });
  if (won.length > 0) return { claimed: true };
  const [held] = await tx
    .select({ requestHash: idempotencyKeys.requestHash, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.scope, 'request'), eq(idempotencyKeys.key, key)));
  if (!held) throw new Error('idempotency key vanished between claim and read');
  return { claimed: false, requestHash: held.requestHash, response: held.response as StoredResponse | null };
}

/** Stores the response to replay for a claimed request key (same transaction as the events it reports). */
export async function saveRequestResponse(tx: Tx, orgId: string, key: string, response: StoredResponse): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({ response })
    .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.scope, 'request'), eq(idempotencyKeys.key, key)));
}

/**
 * Claims per-event keys (key -> the new event's id) and returns the keys already held, with the event id
 * stored under each. Keys are claimed in sorted order so two overlapping batches cannot deadlock.
 * Tenancy: keys are per org. Transaction: call inside the batch's transaction.
 */
export async function claimEventKeys(tx: Tx, orgId: string, wanted: Map<string, string>): Promise<Map<string, string>> {
  const keys = [...wanted.keys()].sort();
  const held = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const won = await tx
      .insert(idempotencyKeys)
      .values(chunk.map((key) => ({ orgId, scope: 'event' as const, key, eventId: wanted.get(key)! })))
      .onConflictDoUpdate({ target: [idempotencyKeys.orgId, idempotencyKeys.scope, idempotencyKeys.key], set: takeOver, setWhere: stale })
      .returning({ key: idempotencyKeys.key });
    const wonKeys = new Set(won.map((w) => w.key));
    const lost = chunk.filter((k) => !wonKeys.has(k));
    if (lost.length === 0) continue;
    const rows = await tx
      .select({ key: idempotencyKeys.key, eventId: idempotencyKeys.eventId })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.scope, 'event'), inArray(idempotencyKeys.key, lost)));
    for (const row of rows) if (row.eventId) held.set(row.key, row.eventId);
  }
  return held;
}
