import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { verifyChain } from '@/lib/chain/verify';
import { eventAt, tamper } from './chain-helpers';
import { describeEachDatabase } from './databases';
import { createOrg, insertEvents } from './fixtures';

describeEachDatabase('hash chain: tampering is detected and pinpointed', (ctx) => {
  const chainOf = async (slug: string, n = 12) => {
    const org = await createOrg(ctx.db, slug);
    await insertEvents(ctx.db, org.id, n);
    expect(await verifyChain(ctx.db, org.id, { batchSize: 5 })).toMatchObject({ ok: true, count: n });
    return org.id;
  };

  it('refuses an UPDATE through the append-only trigger, even with the backfill flag on a chained row', async () => {
    const orgId = await chainOf('tamper-trigger', 2);
    await expect(ctx.db.execute(sql`update audit_events set message = 'x' where org_id = ${orgId}`)).rejects.toThrow();
    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('audit.chain_backfill', 'on', true)`);
        await tx.execute(sql`update audit_events set message = 'x' where org_id = ${orgId}`);
      }),
    ).rejects.toThrow();
  });

  it('an edited entry: hash_mismatch at exactly that entry', async () => {
    const orgId = await chainOf('tamper-edit');
    const victim = await eventAt(ctx.db, orgId, 7);
    await tamper(ctx.db, sql`update audit_events set message = 'nothing to see' where org_id = ${orgId} and seq = 7`);
    expect(await verifyChain(ctx.db, orgId, { batchSize: 5 })).toMatchObject({
      ok: false,
      at: 7,
      eventId: victim.id,
      reason: 'hash_mismatch',
      verifiedThrough: { seq: 6 },
      count: 6,
    });
  });

  it('an entry whose stored hash was replaced: hash_mismatch there, before any link check further on', async () => {
    const orgId = await chainOf('tamper-rehash');
    await tamper(ctx.db, sql`update audit_events set hash = repeat('a', 64) where org_id = ${orgId} and seq = 4`);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: false, at: 4, reason: 'hash_mismatch' });
  });

  it('a deleted entry in the middle: missing_seq at its number', async () => {
    const orgId = await chainOf('tamper-delete-middle');
    const next = await eventAt(ctx.db, orgId, 6);
    await tamper(ctx.db, sql`delete from audit_events where org_id = ${orgId} and seq = 5`);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: false, at: 5, eventId: next.id, reason: 'missing_seq', verifiedThrough: { seq: 4 } });
  });

  it('deleted entries at the end: caught by the chain head', async () => {
    const orgId = await chainOf('tamper-delete-last');
    await tamper(ctx.db, sql`delete from audit_events where org_id = ${orgId} and seq >= 11`);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: false, at: 11, eventId: null, reason: 'missing_seq', verifiedThrough: { seq: 10 } });
  });

  it('two entries swapped in order: out_of_order at the first of them', async () => {
    const orgId = await chainOf('tamper-swap-order');
    const moved = await eventAt(ctx.db, orgId, 9);
    // Three steps: the unique (org_id, seq) index is checked row by row.
    await tamper(ctx.db, sql`update audit_events set seq = -8 where org_id = ${orgId} and seq = 8`);
    await tamper(ctx.db, sql`update audit_events set seq = 8 where org_id = ${orgId} and seq = 9`);
    await tamper(ctx.db, sql`update audit_events set seq = 9 where org_id = ${orgId} and seq = -8`);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: false, at: 8, eventId: moved.id, reason: 'out_of_order', verifiedThrough: { seq: 7 } });
  });

  it("two entries' content swapped: hash_mismatch at the first", async () => {
    const orgId = await chainOf('tamper-swap-content');
    await tamper(
      ctx.db,
      sql`update audit_events e set message = o.message, object_id = o.object_id from audit_events o
          where e.org_id = ${orgId} and o.org_id = ${orgId} and ((e.seq = 2 and o.seq = 3) or (e.seq = 3 and o.seq = 2))`,
    );
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: false, at: 2, reason: 'hash_mismatch' });
  });

  it('a forged link to nowhere: prev_hash_mismatch; a head that disagrees: head_mismatch', async () => {
    const orgId = await chainOf('tamper-link');
    await tamper(ctx.db, sql`update audit_events set prev_hash = repeat('b', 64) where org_id = ${orgId} and seq = 3`);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: false, at: 3, reason: 'prev_hash_mismatch' });
    const other = await chainOf('tamper-head', 3);
    await tamper(ctx.db, sql`update audit_chain_heads set hash = repeat('c', 64) where org_id = ${other}`);
    expect(await verifyChain(ctx.db, other)).toMatchObject({ ok: false, at: 3, reason: 'head_mismatch' });
  });

  it('starts at a retention anchor: entries up to N removed, N+1 must link to the anchor hash', async () => {
    const orgId = await chainOf('tamper-anchor');
    const anchor = await eventAt(ctx.db, orgId, 5);
    await tamper(ctx.db, sql`delete from audit_events where org_id = ${orgId} and seq <= 5`);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: false, at: 1, reason: 'missing_seq' });
    await tamper(ctx.db, sql`insert into audit_chain_anchors (org_id, seq, hash) values (${orgId}, 5, ${anchor.hash})`);
    expect(await verifyChain(ctx.db, orgId)).toMatchObject({ ok: true, count: 7, verifiedThrough: { seq: 12 } });
  });
});
