import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getChainHead } from '@/db/queries/chain-head';
import { getStreamDestination } from '@/db/queries/stream-destinations';
import { executeAudited } from '@/lib/recording/operation';
import { replayStreamOperation, setStreamPausedOperation } from '@/lib/operations/streams';
import { verifyReceived } from '@/lib/streams/verify-received';
import { describeEachDatabase } from './databases';
import { actingAs } from './context';
import { insertEvents, createOrg } from './fixtures';
import { recordAuditEvents } from '@/lib/recording/record';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhook, drain, seqsAfter, streamEntries, TEST_LOOP, testLoop } from './streams-helpers';
import { createStreamLoop } from '@/lib/streams/delivery-loop';
import { applyRetention } from '@/lib/lifecycle/retention';

describeEachDatabase('log streams: webhook delivery', (ctx) => {
  let receiver: WebhookReceiver;
  let secret: string | null = null;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(() => secret);
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('delivers every entry once, in chain order, signed, verifiable; retries through 500s, resets and timeouts without loss', async () => {
    const owner = await actingAs(ctx.db, 'owner@streams.test', 'owner');
    const orgId = owner.org.orgId;
    await insertEvents(ctx.db, orgId, 30);
    const startHead = (await getChainHead(ctx.db, orgId))!.seq;
    const dest = await addWebhook(ctx.db, owner, receiver.url);
    secret = dest.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await insertEvents(ctx.db, orgId, 150);
    const loop = testLoop(ctx.db);
    await drain(ctx.db, loop, orgId, dest.id);
    // The destination starts at the head when added: its own creation entry is the first it delivers.
    expect(receiver.seqs()).toEqual(await seqsAfter(ctx.db, orgId, startHead));
    expect(receiver.badSignatures).toEqual([]);

    // The receiver fails in three ways; each attempt is counted, the third makes the destination unhealthy.
    await insertEvents(ctx.db, orgId, 60);
    for (const mode of ['fail500', 'reset', 'hang'] as const) {
      receiver.setMode(mode);
      await loop.runOnce();
      await new Promise((r) => setTimeout(r, 40));
    }
    const failing = (await getStreamDestination(ctx.db, orgId, dest.id))!;
    expect(failing.consecutiveFailures).toBe(3);
    expect(failing.unhealthy).toBe(true);
    expect(failing.lastError).toMatch(/timed out/);
    // More failures: still one "failing" entry, never deactivated, the position kept.
    receiver.setMode('fail500');
    await loop.runOnce();
    await new Promise((r) => setTimeout(r, 40));
    await loop.runOnce();
    const still = (await getStreamDestination(ctx.db, orgId, dest.id))!;
    expect(still.paused).toBe(false);
    expect(still.cursor).toBe(failing.cursor);
    expect(still.lastError).toMatch(/HTTP 500/);

    receiver.setMode('ok');
    await drain(ctx.db, loop, orgId, dest.id);
    const healthy = (await getStreamDestination(ctx.db, orgId, dest.id))!;
    expect(healthy.unhealthy).toBe(false);
    expect(healthy.consecutiveFailures).toBe(0);
    // Every entry exactly once and in order: failed attempts stored nothing.
    expect(receiver.seqs()).toEqual(await seqsAfter(ctx.db, orgId, startHead));
    expect(receiver.badSignatures).toEqual([]);
    // Retries of a batch reuse its webhook-id.
    const failedIds = receiver.attempts.filter((a) => a.mode !== 'ok').map((a) => a.webhookId);
    expect(new Set(failedIds).size).toBe(1);
    expect(receiver.stored.some((b) => b.webhookId === failedIds[0])).toBe(true);

    const health = (await streamEntries(ctx.db, orgId)).filter((e) => e.actorType === 'system');
    expect(health.map((e) => (e.after as { health: string }).health)).toEqual(['unhealthy', 'healthy']);
    expect(health[0]!.message).toMatch(/failing: 3 consecutive failed deliveries/);

    const v = verifyReceived(receiver.stored.map((b) => b.body));
    expect(v.ok).toBe(true);
    expect(v.verifiedThrough).toBe((await getChainHead(ctx.db, orgId))!.seq);

    // No audit entry holds the signing secret.
    const [leak] = await ctx.db
      .execute(sql`select count(*)::int as n from audit_events where org_id = ${orgId} and to_jsonb(audit_events)::text like ${`%${secret.slice(6, 30)}%`}`)
      .then((r) => (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows));
    expect((leak as { n: number }).n).toBe(0);
    await loop.stop();
  });

  it('a filtered destination gets only matching entries and still passes the rest; pause holds it; replay resends under new ids', async () => {
    const owner = await actingAs(ctx.db, 'filter@streams.test', 'owner');
    const orgId = owner.org.orgId;
    const filtered = await startWebhookReceiver(() => filteredSecret);
    let filteredSecret: string | null = null;
    const dest = await addWebhook(ctx.db, owner, filtered.url, { name: 'Failures only', filter: 'result=failure' });
    filteredSecret = dest.secret;
    const entry = (i: number) => ({
      orgId,
      actor: { type: 'user' as const, id: 'u1', label: 'x@example.com' },
      source: 'api' as const,
      action: 'update',
      objectType: 'flow',
      message: `e${i}`,
      result: i % 3 === 0 ? ('failure' as const) : ('success' as const),
    });
    await recordAuditEvents(
      ctx.db,
      Array.from({ length: 90 }, (_, i) => entry(i)),
    );
    const loop = testLoop(ctx.db);
    await drain(ctx.db, loop, orgId, dest.id);
    const results = filtered.stored.flatMap((b) => b.body.events.map((e) => e.result));
    expect(results.length).toBe(30);
    expect(new Set(results)).toEqual(new Set(['failure']));
    const v = verifyReceived(filtered.stored.map((b) => b.body));
    expect(v.ok).toBe(true);
    expect(v.filter).toBe('result=failure');
    expect((await getStreamDestination(ctx.db, orgId, dest.id))!.cursor).toBe((await getChainHead(ctx.db, orgId))!.seq);

    const paused = await executeAudited(ctx.db, setStreamPausedOperation, owner, { destinationId: dest.id, paused: 'true' });
    expect(paused.ok).toBe(true);
    await recordAuditEvents(ctx.db, [entry(0)]);
    const before = filtered.stored.length;
    await loop.runOnce();
    expect(filtered.stored.length).toBe(before);
    await executeAudited(ctx.db, setStreamPausedOperation, owner, { destinationId: dest.id, paused: 'false' });
    await drain(ctx.db, loop, orgId, dest.id);
    expect(filtered.stored.length).toBeGreaterThan(before);

    const firstFailureSeq = Number(filtered.stored[0]!.body.events[0]!.seq);
    const firstIds = new Set(filtered.stored.map((b) => b.webhookId));
    const replay = await executeAudited(ctx.db, replayStreamOperation, owner, { destinationId: dest.id, from: `#${firstFailureSeq}` });
    expect(replay.ok).toBe(true);
    const count = filtered.stored.length;
    await drain(ctx.db, loop, orgId, dest.id);
    const replayed = filtered.stored.slice(count);
    expect(replayed[0]!.body.events[0]!.seq).toBe(firstFailureSeq);
    expect(replayed.every((b) => !firstIds.has(b.webhookId))).toBe(true);
    await loop.stop();
    await filtered.close();
  });

  it('replay refuses a seq removed by retention, a malformed position or one past the head, and finds the first seq from a time', async () => {
    const owner = await actingAs(ctx.db, 'replay@streams.test', 'admin');
    await insertEvents(ctx.db, owner.org.orgId, 10);
    const dest = await addWebhook(ctx.db, owner, receiver.url, { name: 'R' });
    // Retention as it runs: a year's period ends just after the fourth entry (00:00:03Z), so #1-#4 go.
    const cutoff = Date.parse('2026-11-01T00:00:04Z');
    const removedByRetention = await applyRetention(ctx.db, owner.org.orgId, new Date(cutoff + 365 * 86_400_000), { minDays: 365 });
    expect(removedByRetention).toMatchObject({ removed: 4 });
    const removed = await executeAudited(ctx.db, replayStreamOperation, owner, { destinationId: dest.id, from: '#3' });
    expect(!removed.ok && removed.error).toBe('Entries before #5 were removed by retention; replay from #5 or later.');
    const kept = await executeAudited(ctx.db, replayStreamOperation, owner, { destinationId: dest.id, from: '#5' });
    expect(kept.ok && kept.data.fromSeq).toBe(5);
    const bad = await executeAudited(ctx.db, replayStreamOperation, owner, { destinationId: dest.id, from: 'yesterday-ish' });
    expect(bad.ok).toBe(false);
    const future = await executeAudited(ctx.db, replayStreamOperation, owner, { destinationId: dest.id, from: '#99999' });
    expect(future.ok).toBe(false);
    const fromTime = await executeAudited(ctx.db, replayStreamOperation, owner, { destinationId: dest.id, from: '2026-11-01T00:00:07Z' });
    expect(fromTime.ok && fromTime.data.fromSeq).toBe(8);
  });

  it('two loops share the work through leases; a killed one is taken over when its lease expires, duplicates keep their webhook-id', async () => {
    const owner = await actingAs(ctx.db, 'lease@streams.test', 'owner');
    const orgId = owner.org.orgId;
    // The loops serve every organization: hold the earlier tests' destinations out of this one.
    await ctx.db.execute(sql`update stream_destinations set paused = true`);
    const r = await startWebhookReceiver(() => s);
    let s: string | null = null;
    const dest = await addWebhook(ctx.db, owner, r.url, { name: 'Lease' });
    s = dest.secret;
    const start = (await getStreamDestination(ctx.db, orgId, dest.id))!.cursor;
    await insertEvents(ctx.db, orgId, 100);
    const a = testLoop(ctx.db, { leaseSeconds: 1, owner: 'instance-a', timeoutMs: 30_000 });
    const b = testLoop(ctx.db, { leaseSeconds: 1, owner: 'instance-b' });
    r.setMode('store-then-hang');
    const aRun = a.runOnce();
    for (let i = 0; i < 200 && r.stored.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(r.stored.length).toBe(1);
    // B finds nothing to claim while A's lease lives.
    expect(await b.runOnce()).toEqual([]);
    a.kill();
    await aRun;
    r.setMode('ok');
    await new Promise((res) => setTimeout(res, 1100));
    await drain(ctx.db, b, orgId, dest.id);
    const all = r.seqs();
    const expected = await seqsAfter(ctx.db, orgId, start);
    expect([...new Set(all)].sort((x, y) => x - y)).toEqual(expected);
    // The batch A had sent arrives twice, under the same webhook-id, with the same entries.
    const dup = r.stored.filter((x) => x.webhookId === r.stored[0]!.webhookId);
    expect(dup.length).toBe(2);
    expect(dup[1]!.body.events.map((e) => e.seq)).toEqual(dup[0]!.body.events.map((e) => e.seq));
    expect(verifyReceived(r.stored.map((x) => x.body)).ok).toBe(true);
    await b.stop();
    await r.close();
  });

  it('a hanging receiver holds only its own destination: another catches up meanwhile', async () => {
    await ctx.db.execute(sql`update stream_destinations set paused = true`);
    const owner = await actingAs(ctx.db, 'hang@streams.test', 'owner');
    const orgId = owner.org.orgId;
    let slowSecret: string | null = null;
    let fastSecret: string | null = null;
    const slowReceiver = await startWebhookReceiver(() => slowSecret);
    const fastReceiver = await startWebhookReceiver(() => fastSecret);
    slowReceiver.setMode('hang');
    const slow = await addWebhook(ctx.db, owner, slowReceiver.url, { name: 'Slow' });
    slowSecret = slow.secret;
    const fast = await addWebhook(ctx.db, owner, fastReceiver.url, { name: 'Fast' });
    fastSecret = fast.secret;
    const start = (await getStreamDestination(ctx.db, orgId, fast.id))!.cursor;
    await insertEvents(ctx.db, orgId, 120);
    // The real loop (timers), with a timeout far longer than the other destination needs.
    const loop = createStreamLoop(async () => ctx.db, { ...TEST_LOOP, timeoutMs: 30_000, pollMs: 20 });
    const head = (await getChainHead(ctx.db, orgId))!.seq;
    for (let i = 0; i < 1000 && (await getStreamDestination(ctx.db, orgId, fast.id))!.cursor < head; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fastReceiver.seqs()).toEqual(await seqsAfter(ctx.db, orgId, start));
    // The slow destination's first attempt is still waiting for its receiver: nothing failed, nothing moved.
    expect(slowReceiver.attempts.length).toBe(1);
    const slowNow = (await getStreamDestination(ctx.db, orgId, slow.id))!;
    expect(slowNow.consecutiveFailures).toBe(0);
    expect(slowNow.cursor).toBe(start - 1);
    await loop.stop();
    await slowReceiver.close();
    await fastReceiver.close();
  });

  it('auditors and members cannot add destinations (recorded as failures)', async () => {
    const org = await createOrg(ctx.db, `streams-roles-${Date.now()}`);
    const auditor = await actingAs(ctx.db, 'aud@streams.test', 'auditor', org.id);
    const result = await executeAudited(ctx.db, (await import('@/lib/operations/streams')).createStreamDestinationOperation, auditor, {
      name: 'x',
      kind: 'webhook',
      url: 'https://example.com/x',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/Permission denied/);

    // A refused attempt records its parameters, with secret fields redacted.
    const owner = await actingAs(ctx.db, 'own@streams.test', 'owner', org.id);
    const refused = await executeAudited(ctx.db, (await import('@/lib/operations/streams')).createStreamDestinationOperation, owner, {
      name: 'HEC',
      kind: 'splunk_hec',
      url: 'http://not-https.example.com',
      token: 'hec-token-must-not-leak',
      api_key: 'dd-key-must-not-leak',
    });
    expect(refused.ok).toBe(false);
    const entries = await streamEntries(ctx.db, org.id);
    expect(entries.length).toBe(2);
    expect(JSON.stringify(entries)).not.toMatch(/must-not-leak/);
  });
});
