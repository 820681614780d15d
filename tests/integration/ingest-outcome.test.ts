import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Db, Tx } from '@/db/client';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { createKey } from './chain-helpers';
import { rowsOf } from './context';
import { describeEachDatabase } from './databases';
import { createOrg } from './fixtures';

const lost = () => Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
const post = (key: string, body: unknown, idempotencyKey: string) =>
  new Request('http://localhost/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
const batch = [
  { action: 'create', object: { type: 'invoice', id: 'inv_1' } },
  { action: 'update', object: { type: 'invoice', id: 'inv_1' } },
];

/** `db` whose transactions go through `transaction` instead (everything else unchanged). */
function withTransaction(db: Db, transaction: (fn: (tx: Tx) => Promise<unknown>) => Promise<unknown>): Db {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') return transaction;
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function countIngested(db: Db, orgId: string): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from audit_events where org_id = ${orgId} and object_type = 'invoice'`))[0]!.n;
}

describeEachDatabase('ingest: what a failed batch tells the client', (ctx) => {
  it('answers 503 outcome_unknown when the failure came at COMMIT; the retry with the same key replays, stored once', async () => {
    const org = await createOrg(ctx.db, 'ingest-commit-lost');
    const key = await createKey(ctx.db, org.id);
    // The batch commits, then the connection goes before the answer arrives.
    const answerLost = withTransaction(ctx.db, async (fn) => {
      await ctx.db.transaction(fn);
      throw lost();
    });
    const res = await handleIngestPost(answerLost, post(key, batch, 'batch-1'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: 'outcome_unknown',
      message: 'The batch may or may not have been stored; retry with the same Idempotency-Key, which replays the stored result',
    });
    expect(await countIngested(ctx.db, org.id)).toBe(2);
    const retry = await handleIngestPost(ctx.db, post(key, batch, 'batch-1'));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await countIngested(ctx.db, org.id)).toBe(2);
  });

  it('says "nothing was stored" only when the transaction certainly rolled back; the retry then stores the batch', async () => {
    const org = await createOrg(ctx.db, 'ingest-rolled-back');
    const key = await createKey(ctx.db, org.id);
    // A statement fails while the batch is being written (after the Idempotency-Key was claimed).
    const lostMidway = withTransaction(ctx.db, (fn) =>
      ctx.db.transaction((tx) =>
        fn(
          new Proxy(tx, {
            get(target, prop) {
              if (prop === 'execute') return () => Promise.reject(new Error('could not extend file'));
              const value = Reflect.get(target, prop);
              return typeof value === 'function' ? value.bind(target) : value;
            },
          }),
        ),
      ),
    );
    const midway = await handleIngestPost(lostMidway, post(key, batch, 'batch-2'));
    expect(midway.status).toBe(500);
    expect(((await midway.json()) as { message: string }).message).toMatch(/nothing was stored/);
    // BEGIN itself failed.
    const noBegin = await handleIngestPost(
      withTransaction(ctx.db, () => Promise.reject(lost())),
      post(key, batch, 'batch-2'),
    );
    expect(noBegin.status).toBe(500);
    expect(await countIngested(ctx.db, org.id)).toBe(0);
    const retry = await handleIngestPost(ctx.db, post(key, batch, 'batch-2'));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await countIngested(ctx.db, org.id)).toBe(2);
  });
});
