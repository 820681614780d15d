import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { idempotencyKeys } from '@/db/schema';

/** A stored response, replayed verbatim for a retried request. */
export type StoredResponse = { status: number; body: unknown };

// A key older than the window counts as unused: the upserts below take it over instead of conflicting.
const staleAfter = (windowHours: number) => sql`${idempotencyKeys.createdAt} < now() - ${sql.raw(`interval '${Math.trunc(windowHours)} hours'`)}`;
const takeOver = { createdAt: sql`now()`, requestHash: sql`excluded.request_hash`, response: sql`null`, eventId: sql`excluded.event_id` };

/**
 * Claims an Idempotency-Key for this request inside the caller's transaction. A concurrent request with the
 * same key blocks on the row until this transaction ends, then sees it as taken; a key older than `windowHours`
 * is taken over. Tenancy: keys are per org. Transaction: the caller's.
 */
export async function claimRequestKey(
  tx: Tx,
  orgId: string,
  key: string,
  requestHash: string,
  windowHours: number,
): Promise<{ claimed: true } | { claimed: false; requestHash: string | null; response: StoredResponse | null }> {
  const won = await tx
    .insert(idempotencyKeys)
    .values({ orgId, scope: 'request', key, requestHash })
    .onConflictDoUpdate({ target: [idempotencyKeys.orgId, idempotencyKeys.scope, idempotencyKeys.key], set: takeOver, setWhere: staleAfter(windowHours) })
    .returning({ key: idempotencyKeys.key });
  if (won.length > 0) return { claimed: true };
  const [held] = await tx
    .select({ requestHash: idempotencyKeys.requestHash, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.scope, 'request'), eq(idempotencyKeys.key, key)));
  if (!held) throw new Error('idempotency key vanished between claim and read');
  return { claimed: false, requestHash: held.requestHash, response: held.response as StoredResponse | null };
}

/** Stores the response to replay for a claimed request key. Tenancy: per org. Transaction: the events' own. */
export async function saveRequestResponse(tx: Tx, orgId: string, key: string, response: StoredResponse): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({ response })
    .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.scope, 'request'), eq(idempotencyKeys.key, key)));
}

/**
 * Claims per-event keys (key -> the new event's id) and returns the keys already held, with the event id
 * stored under each; a key older than `windowHours` is taken over. Keys are claimed in sorted order so two
 * overlapping batches cannot deadlock. Tenancy: keys are per org. Transaction: call inside the batch's transaction.
 */
export async function claimEventKeys(tx: Tx, orgId: string, wanted: Map<string, string>, windowHours: number): Promise<Map<string, string>> {
  const keys = [...wanted.keys()].sort();
  const held = new Map<string, string>();
  if (keys.length === 0) return held;
  // One statement for the whole batch: the keys travel as one JSON parameter, claimed in array (sorted) order.
  const claims = JSON.stringify(keys.map((key) => ({ key, event_id: wanted.get(key)! })));
  const won = rowsOf<{ key: string }>(
    await tx.execute(sql`
      insert into idempotency_keys (org_id, scope, key, event_id)
      select ${orgId}::uuid, 'event', w.key, w.event_id
      from rows from (jsonb_to_recordset(${claims}::text::jsonb) as (key text, event_id uuid)) with ordinality as w(key, event_id, n)
      order by w.n
      on conflict (org_id, scope, key) do update
        set created_at = now(), request_hash = excluded.request_hash, response = null, event_id = excluded.event_id
        where ${staleAfter(windowHours)}
      returning key`),
  );
  const wonKeys = new Set(won.map((w) => w.key));
  const lost = keys.filter((k) => !wonKeys.has(k));
  if (lost.length === 0) return held;
  // A separate statement, so it sees keys a concurrent batch committed while this one waited on them. One
  // primary-key probe per lost key (LIMIT keeps the lateral subquery a probe whatever the statistics say).
  const rows = rowsOf<{ key: string; event_id: string | null }>(
    await tx.execute(sql`
      select l.key, k.event_id
      from jsonb_array_elements_text(${JSON.stringify(lost)}::text::jsonb) as l(key)
      cross join lateral (
        select event_id from idempotency_keys where org_id = ${orgId} and scope = 'event' and key = l.key limit 1
      ) as k`),
  );
  for (const row of rows) if (row.event_id) held.set(row.key, row.event_id);
  return held;
}
