import { afterAll, beforeAll, expect, it } from 'vitest';
import { getChainHead } from '@/db/queries/chain-head';
import { getStreamDestination } from '@/db/queries/stream-destinations';
import { recordAuditEvents, type AuditEntry } from '@/lib/recording/record';
import { verifyReceived } from '@/lib/streams/verify-received';
import { describeOnServer } from './databases';
import { actingAs } from './context';
import { insertEvents } from './fixtures';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhook, drain, seqsAfter, testLoop } from './streams-helpers';

// Concurrency needs several connections: the server only (the embedded database has one).
describeOnServer('log streams: an append in flight is never passed over', (ctx) => {
  let receiver: WebhookReceiver;
  let secret: string | null = null;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(() => secret);
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('while the writer of #N+1 has not committed, the loop stops at #N; the writer of #N+2 waits; both arrive in order', async () => {
    const owner = await actingAs(ctx.db, 'order@streams.test', 'owner');
    const orgId = owner.org.orgId;
    const dest = await addWebhook(ctx.db, owner, receiver.url);
    secret = dest.secret;
    const start = (await getStreamDestination(ctx.db, orgId, dest.id))!.cursor;
    await insertEvents(ctx.db, orgId, 20);
    const n = (await getChainHead(ctx.db, orgId))!.seq;
    const entry = (label: string): AuditEntry => ({
      orgId,
      actor: { type: 'user', id: null, label },
      source: 'api',
      action: 'create',
      objectType: 'flow',
      message: label,
    });

    // Writer 1 appends #N+1 and holds its transaction open (the chain head stays locked).
    let commit!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    let appended!: () => void;
    const inside = new Promise<void>((r) => (appended = r));
    const writer1 = ctx.db.transaction(async (tx) => {
      await recordAuditEvents(tx, [entry('writer 1')]);
      appended();
      await held;
    });
    await inside;
    // Writer 2 starts and waits for the head lock: it cannot take #N+2 before #N+1 commits.
    let writer2Done = false;
    const writer2 = recordAuditEvents(ctx.db, [entry('writer 2')]).then(() => (writer2Done = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(writer2Done).toBe(false);

    const loop = testLoop(ctx.db);
    await loop.runOnce();
    await loop.runOnce();
    // Delivered through #N and no further: nothing after the committed head, so nothing to skip later.
    expect(Math.max(...receiver.seqs())).toBe(n);
    expect((await getStreamDestination(ctx.db, orgId, dest.id))!.cursor).toBe(n);

    commit();
    await writer1;
    await writer2;
    await drain(ctx.db, loop, orgId, dest.id);
    const all = await seqsAfter(ctx.db, orgId, start);
    expect(receiver.seqs()).toEqual(all);
    const last = receiver.stored.flatMap((b) => b.body.events).slice(-2);
    expect(last.map((e) => [e.seq, e.message])).toEqual([
      [n + 1, 'writer 1'],
      [n + 2, 'writer 2'],
    ]);
    expect(verifyReceived(receiver.stored.map((b) => b.body)).ok).toBe(true);
    await loop.stop();
  });

  it('under concurrent ingest from several connections the stream has no gap and no reordering', async () => {
    const owner = await actingAs(ctx.db, 'concurrent@streams.test', 'owner');
    const orgId = owner.org.orgId;
    const r = await startWebhookReceiver(() => s);
    let s: string | null = null;
    const dest = await addWebhook(ctx.db, owner, r.url);
    s = dest.secret;
    const start = (await getStreamDestination(ctx.db, orgId, dest.id))!.cursor;
    const loop = testLoop(ctx.db, { batchSize: 7 });
    let writing = true;
    const delivering = (async () => {
      while (writing) {
        await loop.runOnce();
        await new Promise((res) => setTimeout(res, 5));
      }
    })();
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; i < 15; i++)
          await recordAuditEvents(ctx.db, [
            { orgId, actor: { type: 'user', id: null, label: `w${w}` }, source: 'api', action: 'create', objectType: 'flow', message: `w${w}-${i}` },
          ]);
      }),
    );
    writing = false;
    await delivering;
    await drain(ctx.db, loop, orgId, dest.id);
    expect(r.seqs()).toEqual(await seqsAfter(ctx.db, orgId, start));
    expect(verifyReceived(r.stored.map((b) => b.body)).ok).toBe(true);
    await loop.stop();
    await r.close();
  });
});
