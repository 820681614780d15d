import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditChainHeads } from '@/db/schema';
import { seedDemo } from '@/lib/seed/demo';
import { updateSettingsOperation } from '@/lib/operations/settings';
import { GENESIS_HASH } from '@/lib/chain/entry-hash';
import { verifyChain } from '@/lib/chain/verify';
import { executeAudited } from '@/lib/recording/operation';
import { recordAuditEvent, recordAuditEvents } from '@/lib/recording/record';
import { handleIngestPost } from '@/lib/ingest/handle-post';
import { createKey, eventAt, seqsOf } from './chain-helpers';
import { actingAs, rowsOf } from './context';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describeEachDatabase('hash chain: appending', (ctx) => {
  it('numbers each organization from 1 without gaps, independently, linking every entry to the previous one', async () => {
    const a = await createOrg(ctx.db, 'chain-a');
    const b = await createOrg(ctx.db, 'chain-b');
    await insertEvents(ctx.db, a.id, 7);
    await insertEvents(ctx.db, b.id, 3);
    await recordAuditEvents(ctx.db, [
      { orgId: b.id, actor: { type: 'system', id: null, label: 'sys' }, source: 'system', action: 'x', objectType: 't' },
      { orgId: a.id, actor: { type: 'system', id: null, label: 'sys' }, source: 'system', action: 'y', objectType: 't' },
    ]);
    expect(await seqsOf(ctx.db, a.id)).toEqual(range(1, 8));
    expect(await seqsOf(ctx.db, b.id)).toEqual(range(1, 4));
    const first = rowsOf<{ prev_hash: string }>(await ctx.db.execute(sql`select prev_hash from audit_events where org_id = ${a.id} and seq = 1`));
    expect(first[0]!.prev_hash).toBe(GENESIS_HASH);
    const second = rowsOf<{ prev_hash: string }>(await ctx.db.execute(sql`select prev_hash from audit_events where org_id = ${a.id} and seq = 2`));
    expect(second[0]!.prev_hash).toBe((await eventAt(ctx.db, a.id, 1)).hash);
    const [head] = await ctx.db
      .select()
      .from(auditChainHeads)
      .where(sql`${auditChainHeads.orgId} = ${a.id}`);
    expect(head).toMatchObject({ seq: 8, hash: (await eventAt(ctx.db, a.id, 8)).hash });
    expect(await verifyChain(ctx.db, a.id)).toMatchObject({ ok: true, count: 8, verifiedThrough: { seq: 8 } });
    expect(await verifyChain(ctx.db, b.id)).toMatchObject({ ok: true, count: 4, verifiedThrough: { seq: 4 } });
  });

  it('hashes what is stored: addresses in PostgreSQL form, jsonb numbers, dates, unicode and undefined members', async () => {
    const org = await createOrg(ctx.db, 'chain-values');
    await recordAuditEvent(ctx.db, {
      orgId: org.id,
      actor: { type: 'user', id: 'u1', label: 'Zoë <zoe@example.com>' },
      source: 'web',
      ip: '2001:DB8:0:0:0:0:0:1',
      action: 'Update',
      objectType: 'flow',
      before: { n: 1.0, big: 1e21, tiny: 5e-324, neg: -0, when: new Date(Date.UTC(2026, 0, 1)), emoji: '😀', gone: undefined },
      after: { n: 2.5, list: [1, undefined, 'x'], nested: { b: 1, a: [true, null] } },
      metadata: { note: 'line\nbreak', skip: undefined },
    });
    await recordAuditEvent(ctx.db, {
      orgId: org.id,
      actor: { type: 'user', id: null, label: 'x' },
      source: 'web',
      ip: '10.0.0.1',
      action: 'read',
      objectType: 'flow',
    });
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 2 });
  });

  it('opens its own transaction when given the database, and joins the caller’s when given one', async () => {
    const org = await createOrg(ctx.db, 'chain-tx');
    const entry = { orgId: org.id, actor: { type: 'system' as const, id: null, label: 'sys' }, source: 'system' as const, action: 'x', objectType: 't' };
    await expect(
      ctx.db.transaction(async (tx) => {
        await recordAuditEvent(tx, entry);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await recordAuditEvent(ctx.db, entry);
    expect(await seqsOf(ctx.db, org.id)).toEqual([1]); // the rolled-back entry took no number
    expect(await verifyChain(ctx.db, org.id)).toMatchObject({ ok: true, count: 1 });
  });

  it('keeps one unbroken chain under 20 concurrent audited operations and 5 concurrent ingest batches', async () => {
    const owner = await actingAs(ctx.db, 'chain-owner@example.com', 'owner');
    const other = await createOrg(ctx.db, 'chain-bystander');
    const key = await createKey(ctx.db, owner.org.orgId);
    const ops = range(1, 20).map((i) =>
      executeAudited(
        ctx.db,
        updateSettingsOperation,
        { ...owner, request: { ...owner.request, requestId: `req-${i}` } },
        { name: `Name ${i}`, timeZone: 'UTC', retentionDays: String(400 + i) },
      ),
    );
    const batches = range(1, 5).map((b) =>
      handleIngestPost(
        ctx.db,
        new Request('http://localhost/api/v1/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(range(1, 10).map((i) => ({ action: 'update', object: { type: 'invoice', id: `inv_${b}_${i}` } }))),
        }),
      ),
    );
    const bystanders = range(1, 5).map(() => insertEvents(ctx.db, other.id, 3));
    const results = await Promise.all(ops);
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await Promise.all(batches)).map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    await Promise.all(bystanders);
    // 20 settings updates + 50 ingested events (+ 1 ingest read of nothing: the POST only writes)
    const seqs = await seqsOf(ctx.db, owner.org.orgId);
    expect(seqs).toEqual(range(1, seqs.length));
    expect(seqs.length).toBeGreaterThanOrEqual(70);
    expect(await verifyChain(ctx.db, owner.org.orgId)).toMatchObject({ ok: true, count: seqs.length });
    expect(await seqsOf(ctx.db, other.id)).toEqual(range(1, 15));
    expect(await verifyChain(ctx.db, other.id)).toMatchObject({ ok: true, count: 15 });
  });

  it('chains the demo seed, which now writes through recordAuditEvents', async () => {
    const { orgIds } = await (async () => {
      await seedDemo(ctx.db, { events: 1200, now: Date.UTC(2026, 10, 21), seed: 5 });
      const rows = rowsOf<{ id: string; slug: string }>(await ctx.db.execute(sql`select id::text, slug from organizations where slug in ('acme', 'globex')`));
      return { orgIds: Object.fromEntries(rows.map((r) => [r.slug, r.id])) };
    })();
    expect(await verifyChain(ctx.db, orgIds.acme!, { batchSize: 250 })).toMatchObject({ ok: true, count: 1200 });
    expect(await verifyChain(ctx.db, orgIds.globex!)).toMatchObject({ ok: true, count: 200 });
  });
});
